import { inflateSync } from 'node:zlib';
import { PT_LOAD, SHF_COMPRESSED, SHT_NOBITS, type ElfImage, type ElfSection } from './read-elf.js';

export type SectionData =
  { readonly ok: true; readonly data: Buffer } | { readonly ok: false; readonly reason: string };

const ELFCOMPRESS_ZLIB = 1;

export function findSection(elf: ElfImage, name: string): ElfSection | undefined {
  return elf.sections.find((section) => section.name === name);
}

/** A view of the section's bytes in the file (no copy), or why there is none. */
export function sectionBytes(buf: Buffer, section: ElfSection): SectionData {
  if (section.type === SHT_NOBITS)
    return { ok: false, reason: `section ${section.name} has no file data` };
  const { offset, size } = section;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset + size > buf.length) {
    return {
      ok: false,
      reason: `section ${section.name} lies outside the file (offset ${offset}, size ${size})`,
    };
  }
  return { ok: true, data: buf.subarray(offset, offset + size) };
}

/**
 * The section's contents, decompressed when the linker marked it SHF_COMPRESSED (gABI
 * Elf32_Chdr/Elf64_Chdr header; only zlib is defined widely enough to matter here).
 */
export function sectionContents(
  buf: Buffer,
  elf: ElfImage,
  section: ElfSection,
  maxBytes: number,
): SectionData {
  const raw = sectionBytes(buf, section);
  if (!raw.ok || (section.flags & SHF_COMPRESSED) === 0) return raw;
  const headerSize = elf.is64 ? 24 : 12;
  if (raw.data.length < headerSize)
    return { ok: false, reason: `section ${section.name} has a truncated compression header` };
  const type = elf.littleEndian ? raw.data.readUInt32LE(0) : raw.data.readUInt32BE(0);
  if (type !== ELFCOMPRESS_ZLIB)
    return { ok: false, reason: `section ${section.name} uses unsupported compression ${type}` };
  try {
    return {
      ok: true,
      data: inflateSync(raw.data.subarray(headerSize), { maxOutputLength: maxBytes }),
    };
  } catch (error) {
    return {
      ok: false,
      reason: `section ${section.name} does not decompress: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * Reads up to `size` bytes at virtual address `addr` through the PT_LOAD segment that maps it
 * (as the loader would), returning a view of the file. Fewer bytes come back when the segment's
 * file image ends first; undefined when no segment maps the address inside the file.
 */
export function readAtAddress(
  buf: Buffer,
  elf: ElfImage,
  addr: number,
  size: number,
): Buffer | undefined {
  if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(size) || size < 0) return undefined;
  for (const segment of elf.segments) {
    if (
      segment.type !== PT_LOAD ||
      !Number.isSafeInteger(segment.vaddr) ||
      !Number.isSafeInteger(segment.filesz)
    )
      continue;
    if (addr < segment.vaddr || addr >= segment.vaddr + segment.filesz) continue;
    const start = segment.offset + (addr - segment.vaddr);
    const available = segment.vaddr + segment.filesz - addr;
    const end = start + Math.min(size, available);
    if (!Number.isSafeInteger(start) || start < 0 || end > buf.length) return undefined;
    return buf.subarray(start, end);
  }
  return undefined;
}
