/**
 * A defensive reader of ELF headers (System V gABI, "Object Files" chapter): the file header, the
 * program headers and the section headers, for 32- and 64-bit files of either byte order. It reads
 * headers only, never scans contents, and never throws: a malformed file gives `{ ok: false }`
 * with the reason.
 */

export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
export const SHT_NOBITS = 8;
export const SHF_COMPRESSED = 0x800;

const MAGIC = [0x7f, 0x45, 0x4c, 0x46];
const SHN_XINDEX = 0xffff;

export interface ElfSegment {
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
  readonly memsz: number;
}

export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly addr: number;
  readonly offset: number;
  readonly size: number;
}

export interface ElfImage {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  readonly machine: number;
  readonly segments: readonly ElfSegment[];
  readonly sections: readonly ElfSection[];
  /** Where the file header puts the section header table ([offset, length]); none when 0. */
  readonly sectionTable: readonly [number, number] | undefined;
  /** Where the section names are ([offset, length]), when the table could be read. */
  readonly sectionNames: readonly [number, number] | undefined;
  /** Header tables that could not be read (the rest of the file may still be usable). */
  readonly problems: readonly string[];
}

export type ElfParse =
  { readonly ok: true; readonly elf: ElfImage } | { readonly ok: false; readonly reason: string };

/** True when the bytes start with the ELF magic: the microsecond check before anything else. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 16 && MAGIC.every((byte, i) => bytes[i] === byte);
}

/** Reads unsigned integers of the file's class and byte order, bounds-checked. */
class FieldReader {
  constructor(
    private readonly buf: Buffer,
    readonly is64: boolean,
    readonly le: boolean,
  ) {}

  fits(offset: number, length: number): boolean {
    return (
      Number.isSafeInteger(offset) &&
      offset >= 0 &&
      length >= 0 &&
      offset + length <= this.buf.length
    );
  }

  u16(offset: number): number {
    return this.le ? this.buf.readUInt16LE(offset) : this.buf.readUInt16BE(offset);
  }

  u32(offset: number): number {
    return this.le ? this.buf.readUInt32LE(offset) : this.buf.readUInt32BE(offset);
  }

  /** A 64-bit field as a number; values beyond 2^53 (never a real offset in memory) become NaN. */
  u64(offset: number): number {
    // Two 32-bit halves rather than a BigInt: this runs for every segment and section header
    // of every executable in an image. A value fits in 53 bits when its high half is below 2^21.
    const high = this.le ? this.buf.readUInt32LE(offset + 4) : this.buf.readUInt32BE(offset);
    const low = this.le ? this.buf.readUInt32LE(offset) : this.buf.readUInt32BE(offset + 4);
    return high < 0x200000 ? high * 0x100000000 + low : Number.NaN;
  }

  /** An address-sized field (Elf32_Addr/Off or Elf64_Addr/Off/Xword). */
  word(offset: number): number {
    return this.is64 ? this.u64(offset) : this.u32(offset);
  }
}

function readSegments(
  r: FieldReader,
  phoff: number,
  phentsize: number,
  phnum: number,
): ElfSegment[] | string {
  if (phnum === 0) return [];
  const minSize = r.is64 ? 56 : 32;
  if (phentsize < minSize) return `program header entry size ${phentsize} is too small`;
  if (!r.fits(phoff, phentsize * phnum)) return 'program headers lie outside the file';
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i += 1) {
    const at = phoff + i * phentsize;
    segments.push(
      r.is64
        ? {
            type: r.u32(at),
            flags: r.u32(at + 4),
            offset: r.u64(at + 8),
            vaddr: r.u64(at + 16),
            filesz: r.u64(at + 32),
            memsz: r.u64(at + 40),
          }
        : {
            type: r.u32(at),
            offset: r.u32(at + 4),
            vaddr: r.u32(at + 8),
            filesz: r.u32(at + 16),
            memsz: r.u32(at + 20),
            flags: r.u32(at + 24),
          },
    );
  }
  return segments;
}

interface RawSection extends Omit<ElfSection, 'name'> {
  readonly nameOffset: number;
  readonly link: number;
}

function readRawSection(r: FieldReader, at: number): RawSection {
  if (r.is64) {
    const flags = r.u64(at + 8);
    return {
      nameOffset: r.u32(at),
      type: r.u32(at + 4),
      flags: Number.isNaN(flags) ? 0 : flags,
      addr: r.u64(at + 16),
      offset: r.u64(at + 24),
      size: r.u64(at + 32),
      link: r.u32(at + 40),
    };
  }
  return {
    nameOffset: r.u32(at),
    type: r.u32(at + 4),
    flags: r.u32(at + 8),
    addr: r.u32(at + 12),
    offset: r.u32(at + 16),
    size: r.u32(at + 20),
    link: r.u32(at + 24),
  };
}

function sectionName(buf: Buffer, strtab: RawSection | undefined, nameOffset: number): string {
  if (!strtab || strtab.type === SHT_NOBITS || nameOffset >= strtab.size) return '';
  const start = strtab.offset + nameOffset;
  const limit = Math.min(strtab.offset + strtab.size, buf.length);
  if (!Number.isSafeInteger(start) || start >= limit) return '';
  const end = buf.indexOf(0, start);
  return buf.toString('latin1', start, end === -1 || end > limit ? limit : end);
}

interface SectionTable {
  readonly sections: ElfSection[];
  /** The raw entry of the section-name string table, if there is one. */
  readonly names: RawSection | undefined;
}

function readSections(
  r: FieldReader,
  buf: Buffer,
  shoff: number,
  shentsize: number,
  shnum: number,
  shstrndx: number,
): SectionTable | string {
  if (shoff === 0) return { sections: [], names: undefined };
  const minSize = r.is64 ? 64 : 40;
  if (shentsize < minSize) return `section header entry size ${shentsize} is too small`;
  if (!r.fits(shoff, shentsize)) return 'section headers lie outside the file';
  const first = readRawSection(r, shoff);
  // gABI extended numbering: with 0xff00 or more sections the real count and string table index
  // live in section 0's sh_size and sh_link.
  const count = shnum === 0 ? first.size : shnum;
  const strIndex = shstrndx === SHN_XINDEX ? first.link : shstrndx;
  if (!Number.isSafeInteger(count) || !r.fits(shoff, shentsize * count))
    return 'section headers lie outside the file';
  const raw: RawSection[] = [];
  for (let i = 0; i < count; i += 1) raw.push(readRawSection(r, shoff + i * shentsize));
  const strtab = raw[strIndex];
  return {
    sections: raw.map((section) => ({
      name: sectionName(buf, strtab, section.nameOffset),
      type: section.type,
      flags: section.flags,
      addr: section.addr,
      offset: section.offset,
      size: section.size,
    })),
    names: strtab,
  };
}

/** Parses the headers of an ELF file held in memory. */
export function parseElf(bytes: Uint8Array): ElfParse {
  if (!isElf(bytes)) return { ok: false, reason: 'not an ELF file' };
  const buf = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elfClass = buf[4];
  const data = buf[5];
  if (elfClass !== 1 && elfClass !== 2)
    return { ok: false, reason: `unknown ELF class ${elfClass}` };
  if (data !== 1 && data !== 2) return { ok: false, reason: `unknown ELF data encoding ${data}` };
  const r = new FieldReader(buf, elfClass === 2, data === 1);
  const headerSize = r.is64 ? 64 : 52;
  if (buf.length < headerSize) return { ok: false, reason: 'truncated ELF header' };
  const machine = r.u16(18);
  const phoff = r.word(r.is64 ? 32 : 28);
  const shoff = r.word(r.is64 ? 40 : 32);
  const base = r.is64 ? 54 : 42;
  const [phentsize, phnum, shentsize, shnum, shstrndx] = [0, 2, 4, 6, 8].map((delta) =>
    r.u16(base + delta),
  ) as [number, number, number, number, number];
  // A broken table costs only what it describes: Go's linker output stays readable through the
  // program headers when the section headers were stripped or mangled, and vice versa.
  const problems: string[] = [];
  const segments = readSegments(r, phoff, phentsize, phnum);
  if (typeof segments === 'string') problems.push(segments);
  const sections = readSections(r, buf, shoff, shentsize, shnum, shstrndx);
  if (typeof sections === 'string') problems.push(sections);
  return {
    ok: true,
    elf: {
      is64: r.is64,
      littleEndian: r.le,
      machine,
      segments: typeof segments === 'string' ? [] : segments,
      sections: typeof sections === 'string' ? [] : sections.sections,
      sectionTable:
        shoff > 0 && Number.isSafeInteger(shoff) ? [shoff, shentsize * shnum] : undefined,
      sectionNames:
        typeof sections === 'string' || !sections.names
          ? undefined
          : [sections.names.offset, sections.names.size],
      problems,
    },
  };
}
