import type { PartialFile } from '../cataloger.js';
import {
  fillElfHeaders,
  findSection,
  PF_W,
  PF_X,
  PT_LOAD,
  readAtAddress,
  SHT_NOBITS,
  type ElfImage,
} from '../internal/elf/index.js';

/**
 * Finds and decodes the Go build info blob of an ELF executable, as the Go toolchain's
 * debug/buildinfo does since Go 1.22: the `\xff Go buildinf:` header, 16-byte aligned, anywhere
 * in the `.go.buildinfo` section or (without that section) in the writable, non-executable
 * PT_LOAD segments (Go: the first only), each read whole. Go 1.18–1.21 read only their first
 * 64 KiB, which loses the modules of a binary whose module list is longer than that
 * (golang/go#61644).
 */

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
/** How much of the region `prefillBuildInfo` reads at a time while it looks for the header. */
const PREFILL_CHUNK = 64 * 1024;
/** Go 1.18+: the two strings follow the header inline, each prefixed by a uvarint length. */
const FLAG_INLINE = 0x2;
/** Longest version or modinfo string we accept: real modinfo is a few KiB, large modules ~100 KiB. */
const MAX_STRING = 16 * 1024 * 1024;
/** cmd/go frames modinfo with 16-byte sentinels (modload.infoStart/infoEnd). */
const FRAME = 16;
const MAX_UVARINT_BYTES = 10;

export interface RawBuildInfo {
  /** The toolchain's version string, e.g. `go1.22.0` or `go1.22.3 X:boringcrypto`. */
  readonly goVersion: string;
  /** The module information text (`path`, `mod`, `dep`, `=>`, `build` lines); empty if absent. */
  readonly modinfo: string;
}

export type BuildInfoResult =
  | { readonly kind: 'found'; readonly info: RawBuildInfo }
  | { readonly kind: 'not-go' }
  | { readonly kind: 'broken'; readonly reason: string };

/** Where the build info is looked for: a range of the file and the address it is loaded at. */
interface Region {
  readonly offset: number;
  readonly size: number;
  /** Virtual address of the region's first byte, used for the alignment rule. */
  readonly addr: number;
}

/** Writable, non-executable PT_LOAD segments, in file order (Go's fallback takes the first). */
function dataSegments(elf: ElfImage): ElfImage['segments'][number][] {
  return elf.segments.filter(
    (segment) => segment.type === PT_LOAD && (segment.flags & (PF_X | PF_W)) === PF_W,
  );
}

function inFile(offset: number, size: number, fileSize: number): boolean {
  return (
    Number.isSafeInteger(offset) &&
    Number.isSafeInteger(size) &&
    offset >= 0 &&
    size >= 0 &&
    offset + size <= fileSize
  );
}

/**
 * Where to look, in order. A file whose sections have names is Go's only if one is
 * `.go.buildinfo` (the Go linker always writes it), so a compiler or a browser is passed without
 * reading its data. Otherwise (no section headers, or their names not read: a compressed layer
 * streamed them past), the file image of the first data segment, as Go's DataStart falls back
 * to, and then of the later ones, where Go does not look: lld, and Go's own linker for PIE, keep
 * RELRO data in a writable segment of its own, so the blob is in the second.
 */
function buildInfoRegions(elf: ElfImage, fileSize: number): Region[] {
  const section = findSection(elf, '.go.buildinfo');
  if (section && section.type !== SHT_NOBITS && inFile(section.offset, section.size, fileSize))
    return [{ offset: section.offset, size: section.size, addr: section.addr }];
  // Every section but the first (SHN_UNDEF) has a name; one without means the names were not read.
  const named = elf.sections.length > 1 && elf.sections.slice(1).every((one) => one.name !== '');
  if (!section && named) return [];
  return dataSegments(elf).flatMap((data) => {
    const size = Math.min(data.filesz, fileSize - data.offset);
    return Number.isSafeInteger(data.vaddr) && inFile(data.offset, size, fileSize) && size > 0
      ? [{ offset: data.offset, size, addr: data.vaddr }]
      : [];
  });
}

/** Where the first 16-byte-aligned header starts in `data` (from `from` on), or -1. */
function headerAt(data: Buffer, addr: number, from = 0): number {
  let at = data.indexOf(MAGIC, from);
  while (at >= 0 && data.length - at >= HEADER_SIZE) {
    if ((addr + at) % ALIGN === 0) return at;
    at = data.indexOf(MAGIC, at + 1);
  }
  return -1;
}

/** Go's binary.Uvarint; undefined on overflow or truncation. */
function readUvarint(data: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < data.length && i < at + 10; i += 1) {
    const byte = data[i] ?? 0;
    value += (byte & 0x7f) * scale;
    if (!Number.isSafeInteger(value)) return undefined;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    scale *= 128;
  }
  return undefined;
}

function readInlineString(data: Buffer, at: number): { text: string; next: number } | undefined {
  const length = readUvarint(data, at);
  if (!length || length.value > MAX_STRING || length.next + length.value > data.length)
    return undefined;
  return {
    text: data.toString('utf8', length.next, length.next + length.value),
    next: length.next + length.value,
  };
}

/** Pre-1.18 layout: pointers to Go string headers `{ data *byte; len int }` in the data segment. */
function readPointedString(
  buf: Buffer,
  elf: ElfImage,
  header: Buffer,
  field: number,
  ptrSize: number,
  bigEndian: boolean,
): string | undefined {
  const readPtr = (bytes: Buffer, at: number): number => {
    if (ptrSize === 4) return bigEndian ? bytes.readUInt32BE(at) : bytes.readUInt32LE(at);
    const value = bigEndian ? bytes.readBigUInt64BE(at) : bytes.readBigUInt64LE(at);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : Number.NaN;
  };
  const stringHeader = readAtAddress(buf, elf, readPtr(header, 16 + field * ptrSize), 2 * ptrSize);
  if (!stringHeader || stringHeader.length < 2 * ptrSize) return undefined;
  const dataAddr = readPtr(stringHeader, 0);
  const length = readPtr(stringHeader, ptrSize);
  if (!Number.isSafeInteger(length) || length > MAX_STRING) return undefined;
  const bytes = readAtAddress(buf, elf, dataAddr, length);
  return bytes && bytes.length === length ? bytes.toString('utf8') : undefined;
}

function unframe(modinfo: string): string {
  if (modinfo.length >= 2 * FRAME + 1 && modinfo[modinfo.length - FRAME - 1] === '\n')
    return modinfo.slice(FRAME, -FRAME);
  return '';
}

/** Decodes the header found at the start of `header`. */
function decode(buf: Buffer, elf: ElfImage, header: Buffer): BuildInfoResult {
  const ptrSize = header[14] ?? 0;
  const flags = header[15] ?? 0;
  let goVersion: string | undefined;
  let modinfo: string | undefined;
  if ((flags & FLAG_INLINE) !== 0) {
    const version = readInlineString(header, HEADER_SIZE);
    const mod = version ? readInlineString(header, version.next) : undefined;
    if (!version || !mod)
      return { kind: 'broken', reason: 'Go build info strings run past the .go.buildinfo data' };
    goVersion = version.text;
    modinfo = mod.text;
  } else {
    if (ptrSize !== 4 && ptrSize !== 8)
      return {
        kind: 'broken',
        reason: `Go build info has pointer size ${ptrSize}, expected 4 or 8`,
      };
    goVersion = readPointedString(buf, elf, header, 0, ptrSize, flags !== 0);
    modinfo = readPointedString(buf, elf, header, 1, ptrSize, flags !== 0);
    if (goVersion === undefined)
      return {
        kind: 'broken',
        reason: 'Go build info points at a version string outside the loaded segments',
      };
    // NULs are no toolchain's version: bytes that were never read (a file kept partly).
    if (goVersion.includes('\0'))
      return { kind: 'broken', reason: 'Go build info points at a version string of NUL bytes' };
  }
  if (goVersion === '') return { kind: 'not-go' };
  return { kind: 'found', info: { goVersion, modinfo: unframe(modinfo ?? '') } };
}

/** Looks for Go build info in a parsed ELF file; `not-go` for every other executable. */
export function readGoBuildInfo(buf: Buffer, elf: ElfImage): BuildInfoResult {
  for (const region of buildInfoRegions(elf, buf.length)) {
    const data = buf.subarray(region.offset, region.offset + region.size);
    const at = headerAt(data, region.addr);
    if (at >= 0) return decode(buf, elf, data.subarray(at));
  }
  return { kind: 'not-go' };
}

/**
 * Reads only what `readGoBuildInfo` looks at: the ELF headers, the region the header is looked
 * for in (a chunk at a time, up to the header), and the header with its strings. Since Go 1.18
 * the strings follow the header; before, the header points at strings anywhere in the data, so
 * an old binary (and anything unreadable) is read whole (false).
 */
export async function prefillBuildInfo(file: PartialFile): Promise<boolean> {
  const elf = await fillElfHeaders(file);
  if (!elf) return false;
  for (const region of buildInfoRegions(elf, file.size)) {
    const data = file.content.subarray(region.offset, region.offset + region.size);
    let at = -1;
    for (let filled = 0; filled < region.size && at < 0;) {
      const next = Math.min(region.size, filled + PREFILL_CHUNK);
      await file.fill(region.offset + filled, next - filled);
      // A header may straddle two chunks: search again from just before the new bytes.
      at = headerAt(data.subarray(0, next), region.addr, Math.max(0, filled - HEADER_SIZE));
      filled = next;
    }
    if (at >= 0) return prefillHeader(file, region, data, at);
  }
  return true;
}

/** The header found at `at` and, inline since Go 1.18, its two strings; false before Go 1.18. */
async function prefillHeader(
  file: PartialFile,
  region: Region,
  data: Buffer,
  at: number,
): Promise<boolean> {
  await file.fill(region.offset + at, HEADER_SIZE);
  if (((data[at + 15] ?? 0) & FLAG_INLINE) === 0) return false;
  // The two strings, each a uvarint length and its bytes, read as decode will read them.
  let next = at + HEADER_SIZE;
  for (let i = 0; i < 2; i += 1) {
    await file.fill(region.offset + next, Math.min(MAX_UVARINT_BYTES, region.size - next));
    const length = readUvarint(data, next);
    if (!length || length.value > MAX_STRING) return true;
    await file.fill(region.offset + length.next, Math.min(length.value, region.size - length.next));
    next = length.next + length.value;
  }
  return true;
}
