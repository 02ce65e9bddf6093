import type { PartialFile } from '../cataloger.js';
import {
  fillElfHeaders,
  findSection,
  PF_W,
  PF_X,
  PT_LOAD,
  readAtAddress,
  sectionBytes,
  type ElfImage,
} from '../internal/elf/index.js';

/**
 * Finds and decodes the Go build info blob of an ELF executable, as the Go toolchain's
 * debug/buildinfo does: the `\xff Go buildinf:` header, 16-byte aligned, at the start of the
 * `.go.buildinfo` section or (without section headers) within the first 64 KiB of the first
 * writable, non-executable PT_LOAD segment.
 */

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
const SEARCH_WINDOW = 64 * 1024;
/** Go 1.18+: the two strings follow the header inline, each prefixed by a uvarint length. */
const FLAG_INLINE = 0x2;
/** Longest version or modinfo string we accept: real modinfo is a few KiB, large modules ~100 KiB. */
const MAX_STRING = 16 * 1024 * 1024;
/** cmd/go frames modinfo with 16-byte sentinels (modload.infoStart/infoEnd). */
const FRAME = 16;

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

interface Window {
  readonly data: Buffer;
  /** Virtual address of data[0], used for the alignment rule. */
  readonly addr: number;
}

function firstDataSegment(elf: ElfImage): ElfImage['segments'][number] | undefined {
  return elf.segments.find(
    (segment) => segment.type === PT_LOAD && (segment.flags & (PF_X | PF_W)) === PF_W,
  );
}

function searchWindow(buf: Buffer, elf: ElfImage): Window | undefined {
  const section = findSection(elf, '.go.buildinfo');
  if (section) {
    const bytes = sectionBytes(buf, section);
    if (bytes.ok) return { data: bytes.data.subarray(0, SEARCH_WINDOW), addr: section.addr };
  }
  const data = firstDataSegment(elf);
  if (!data) return undefined;
  const bytes = readAtAddress(buf, elf, data.vaddr, SEARCH_WINDOW);
  return bytes ? { data: bytes, addr: data.vaddr } : undefined;
}

function findHeader(window: Window): Buffer | undefined {
  let from = 0;
  for (;;) {
    const at = window.data.indexOf(MAGIC, from);
    if (at < 0 || window.data.length - at < HEADER_SIZE) return undefined;
    if ((window.addr + at) % ALIGN === 0) return window.data.subarray(at);
    from = at + 1;
  }
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
  }
  if (goVersion === '') return { kind: 'not-go' };
  return { kind: 'found', info: { goVersion, modinfo: unframe(modinfo ?? '') } };
}

/** Looks for Go build info in a parsed ELF file; `not-go` for every other executable. */
export function readGoBuildInfo(buf: Buffer, elf: ElfImage): BuildInfoResult {
  const window = searchWindow(buf, elf);
  if (!window) return { kind: 'not-go' };
  const header = findHeader(window);
  return header ? decode(buf, elf, header) : { kind: 'not-go' };
}

/**
 * Reads only what `readGoBuildInfo` looks at: the ELF headers and the two places the build info
 * can start (the `.go.buildinfo` section, the data segment's first 64 KiB). Since Go 1.18 the
 * strings follow the header there; before, the header points at strings anywhere in the data, so
 * an old binary (and anything unreadable) is read whole (false).
 */
export async function prefillBuildInfo(file: PartialFile): Promise<boolean> {
  const elf = await fillElfHeaders(file);
  if (!elf) return false;
  const section = findSection(elf, '.go.buildinfo');
  if (section) await file.fill(section.offset, Math.min(section.size, SEARCH_WINDOW));
  const data = firstDataSegment(elf);
  if (data) await file.fill(data.offset, Math.min(data.filesz, SEARCH_WINDOW));
  const window = searchWindow(file.content, elf);
  const header = window ? findHeader(window) : undefined;
  return header === undefined || ((header[15] ?? 0) & FLAG_INLINE) !== 0;
}
