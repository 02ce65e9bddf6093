import type { FileHandle } from 'node:fs/promises';
import { ImageError } from '../errors.js';

/** Where one member of an uncompressed tar file lives, for reading it without a full pass. */
export interface TarMember {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  readonly offset: number;
  readonly size: number;
  readonly linkname: string;
}

const BLOCK = 512;

function readString(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

function readNumber(block: Buffer, start: number, length: number): number {
  const first = block[start] ?? 0;
  if (first & 0x80) {
    // GNU base-256: big-endian, high bit of the first byte is the flag.
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i += 1) value = value * 256 + (block[i] ?? 0);
    return value;
  }
  const text = readString(block, start, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  return sum === readNumber(block, 148, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space === -1) break;
    const length = Number.parseInt(data.toString('utf8', position, space), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.toString('utf8', space + 1, position + length - 1);
    const equals = record.indexOf('=');
    if (equals > 0) out[record.slice(0, equals)] = record.slice(equals + 1);
    position += length;
  }
  return out;
}

const TYPES: Readonly<Record<string, TarMember['type']>> = {
  '0': 'file',
  '\0': 'file',
  '': 'file',
  '7': 'file',
  '5': 'dir',
  '2': 'symlink',
  '1': 'hardlink',
};

/**
 * Lists an uncompressed tar file's members by reading only their 512-byte headers, so a
 * `docker save` archive's manifest and layers can be found without reading the layers.
 */
export async function indexTar(file: FileHandle, what: string): Promise<Map<string, TarMember>> {
  const { size: fileSize } = await file.stat();
  const members = new Map<string, TarMember>();
  const block = Buffer.alloc(BLOCK);
  let position = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  const corrupt = (why: string): never => {
    throw new ImageError('LAYER_CORRUPT', `${what}: not a valid tar archive (${why} at offset ${position})`);
  };
  while (position + BLOCK <= fileSize) {
    const { bytesRead } = await file.read(block, 0, BLOCK, position);
    if (bytesRead < BLOCK) corrupt('truncated header');
    if (block.every((byte) => byte === 0)) break;
    if (!checksumOk(block)) corrupt('bad header checksum');
    const typeflag = String.fromCharCode(block[156] ?? 0);
    const isMeta = typeflag === 'L' || typeflag === 'K' || typeflag === 'x' || typeflag === 'g';
    const size = !isMeta && pax['size'] ? Number(pax['size']) : readNumber(block, 124, 12);
    const dataOffset = position + BLOCK;
    if (dataOffset + size > fileSize) corrupt('member extends past the end of the file');
    position = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (isMeta) {
      const data = Buffer.alloc(size);
      await file.read(data, 0, size, dataOffset);
      if (typeflag === 'L') longName = readString(data, 0, size);
      else if (typeflag === 'K') longLink = readString(data, 0, size);
      else if (typeflag === 'x') pax = parsePax(data);
      continue;
    }
    const magic = block.toString('latin1', 257, 263);
    const prefix = magic.startsWith('ustar') ? readString(block, 345, 155) : '';
    const baseName = readString(block, 0, 100);
    const name = pax['path'] ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    const linkname = pax['linkpath'] ?? longLink ?? readString(block, 157, 100);
    const normalized = name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    members.set(normalized, {
      name: normalized,
      type: TYPES[typeflag] ?? 'other',
      offset: dataOffset,
      size,
      linkname,
    });
    longName = undefined;
    longLink = undefined;
    pax = {};
  }
  return members;
}
