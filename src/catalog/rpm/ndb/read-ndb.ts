import { unreadable, WarningList, type DbBlobs } from '../db-blobs.js';

/**
 * rpm's NDB package database (`Packages.db`, lib/backend/ndb/rpmpkg.c), little-endian:
 * a 32-byte file header ("RpmP", version, generation, slot page count, next package index),
 * then 16-byte slots ("Slot", package index, block offset, block count) filling the slot pages,
 * then blobs addressed in 16-byte blocks: a 16-byte head ("BlbS", package index, generation,
 * length), the header blob, and a 12-byte tail (adler32, length, "BlbE") ending the last block.
 */
const FILE_MAGIC = 'RpmP';
const SLOT_MAGIC = 'Slot';
const BLOB_HEAD_MAGIC = 'BlbS';
const BLOB_TAIL_MAGIC = 'BlbE';
const PAGE_BYTES = 4096;
const HEADER_BYTES = 32;
const SLOT_BYTES = 16;
const BLOCK_BYTES = 16;
const BLOB_HEAD_BYTES = 16;
const BLOB_TAIL_BYTES = 12;

function magicAt(file: Buffer, at: number, magic: string): boolean {
  return file.toString('latin1', at, at + 4) === magic;
}

function readBlob(
  file: Buffer,
  pkgIndex: number,
  blockOffset: number,
  blockCount: number,
): Buffer | string {
  const start = blockOffset * BLOCK_BYTES;
  const end = start + blockCount * BLOCK_BYTES;
  if (blockCount * BLOCK_BYTES < BLOB_HEAD_BYTES + BLOB_TAIL_BYTES)
    return `${blockCount} blocks cannot hold a blob`;
  if (end > file.length)
    return `blob at block ${blockOffset} (+${blockCount}) runs past the end of the file`;
  if (!magicAt(file, start, BLOB_HEAD_MAGIC)) return `no blob head at block ${blockOffset}`;
  if (file.readUInt32LE(start + 4) !== pkgIndex)
    return `blob at block ${blockOffset} belongs to package ${file.readUInt32LE(start + 4)}`;
  const length = file.readUInt32LE(start + 12);
  if (BLOB_HEAD_BYTES + length + BLOB_TAIL_BYTES > blockCount * BLOCK_BYTES)
    return `blob length ${length} exceeds its ${blockCount} blocks`;
  const tail = end - BLOB_TAIL_BYTES;
  if (!magicAt(file, tail + 8, BLOB_TAIL_MAGIC) || file.readUInt32LE(tail + 4) !== length)
    return `blob at block ${blockOffset} has a damaged tail`;
  return file.subarray(start + BLOB_HEAD_BYTES, start + BLOB_HEAD_BYTES + length);
}

/** Reads every package blob of an NDB database, in slot order; a bad slot or blob is skipped. */
interface Slot {
  readonly pkgIndex: number;
  readonly blockOffset: number;
  readonly blockCount: number;
}

/**
 * The slots in use. rpm gives each package one slot and one blob; a package index seen twice, or
 * a blob overlapping the one before it, is refused, so no byte is parsed as two packages (which a
 * hostile file could otherwise use to make a small file cost quadratic work).
 */
function usedSlots(file: Buffer, slotBytes: number, warnings: WarningList): Slot[] {
  const slots: Slot[] = [];
  const seen = new Set<number>();
  for (let at = HEADER_BYTES; at + SLOT_BYTES <= slotBytes; at += SLOT_BYTES) {
    const pkgIndex = file.readUInt32LE(at + 4);
    // An empty slot has index 0 (it may still carry the magic after a package was erased).
    if (pkgIndex === 0) continue;
    if (!magicAt(file, at, SLOT_MAGIC)) {
      warnings.push(`slot at byte ${at}: bad magic`);
      continue;
    }
    if (seen.has(pkgIndex)) {
      warnings.push(`slot at byte ${at}: package ${pkgIndex} has a second slot`);
      continue;
    }
    seen.add(pkgIndex);
    slots.push({
      pkgIndex,
      blockOffset: file.readUInt32LE(at + 8),
      blockCount: file.readUInt32LE(at + 12),
    });
  }
  return slots.sort((a, b) => a.blockOffset - b.blockOffset);
}

/** Reads every package blob of an NDB database, in file order; a bad slot or blob is skipped. */
export function readNdb(file: Buffer): DbBlobs {
  if (file.length < HEADER_BYTES || !magicAt(file, 0, FILE_MAGIC)) {
    return unreadable('not an rpm NDB package database (bad magic)');
  }
  const version = file.readUInt32LE(4);
  if (version !== 0) return unreadable(`unsupported NDB version ${version}`);
  const warnings = new WarningList();
  const slotPages = file.readUInt32LE(12);
  if (slotPages === 0) return unreadable('NDB header declares no slot pages');
  const slotBytes = Math.min(slotPages * PAGE_BYTES, file.length);
  if (slotBytes < slotPages * PAGE_BYTES) {
    warnings.push(`file is truncated inside its ${slotPages} slot pages`);
  }
  const blobs: Buffer[] = [];
  let freeFrom = 0;
  for (const { pkgIndex, blockOffset, blockCount } of usedSlots(file, slotBytes, warnings)) {
    if (blockOffset < freeFrom) {
      warnings.push(
        `package ${pkgIndex}: blob at block ${blockOffset} overlaps the blob before it`,
      );
      continue;
    }
    const blob = readBlob(file, pkgIndex, blockOffset, blockCount);
    if (typeof blob === 'string') {
      warnings.push(`package ${pkgIndex}: ${blob}`);
      continue;
    }
    blobs.push(blob);
    freeFrom = blockOffset + blockCount;
  }
  return { blobs, warnings: warnings.toArray() };
}
