import { parseElf, PT_LOAD, type ElfImage, type ElfSegment } from './read-elf.js';

const PT_NOTE = 4;
/** cmd/link writes the build ID as a note named "Go" of this type (ELF_NOTE_GOBUILDID_TAG). */
const NT_GO_BUILD_ID = 4;

/**
 * What the first bytes of an ELF file tell about it, for a plan made before the rest arrives.
 * `sectionNames` is known only when the whole section header table lies in the head (the Go
 * linker writes it right after the program headers; system linkers at the end of the file).
 */
export interface ElfHead extends Pick<ElfImage, 'segments' | 'sectionTable' | 'sectionNames'> {
  /** Where the file image of the last loaded segment ends: sections nothing loads come after. */
  readonly loadedEnd: number;
  /** A note of the head holds a Go build ID: the Go linker made this file. */
  readonly goBuildId: boolean;
}

function hasGoNote(head: Buffer, le: boolean, note: ElfSegment): boolean {
  const u32 = (at: number): number => (le ? head.readUInt32LE(at) : head.readUInt32BE(at));
  const align = (n: number): number => (n + 3) & ~3;
  const end = note.offset + note.filesz;
  if (!Number.isSafeInteger(end) || end > head.length) return false;
  // Each note: namesz, descsz, type, then the name and the descriptor, each padded to 4 bytes
  // (Go writes 4-byte alignment in 64-bit files too).
  for (let at = note.offset; at + 12 <= end;) {
    const nameSize = u32(at);
    const descSize = u32(at + 4);
    const type = u32(at + 8);
    const name = head.toString('latin1', at + 12, Math.min(end, at + 12 + nameSize));
    if (type === NT_GO_BUILD_ID && name.replace(/\0+$/, '') === 'Go') return true;
    at += 12 + align(nameSize) + align(descSize);
  }
  return false;
}

/**
 * Reads the ELF file header and program headers from the first bytes of a file. Undefined when
 * they are not all in `head` or cannot be read: then nothing can be planned from it.
 */
export function readElfHead(head: Buffer): ElfHead | undefined {
  const parsed = parseElf(head);
  if (!parsed.ok) return undefined;
  const { elf } = parsed;
  // The section headers lie beyond the head more often than not; only the program headers count.
  if (elf.problems.some((problem) => problem.startsWith('program header'))) return undefined;
  const le = elf.littleEndian;
  let loadedEnd = 0;
  for (const segment of elf.segments) {
    if (segment.type === PT_LOAD) loadedEnd = Math.max(loadedEnd, segment.offset + segment.filesz);
  }
  if (!Number.isSafeInteger(loadedEnd)) return undefined;
  return {
    segments: elf.segments,
    sectionTable: elf.sectionTable,
    sectionNames: elf.sectionNames,
    loadedEnd,
    goBuildId: elf.segments.some(
      (segment) => segment.type === PT_NOTE && hasGoNote(head, le, segment),
    ),
  };
}
