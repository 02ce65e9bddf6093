import { unreadable, WarningList, type DbBlobs } from '../db-blobs.js';

/** Berkeley DB on-disk constants (db_page.h / dbinc/db_page.h of BDB 4.x-5.x). */
const HASH_MAGIC = 0x00061561;
const BTREE_MAGIC = 0x00053162;
const PAGE_HEADER_BYTES = 26;
const PAGE_TYPE_HASH_UNSORTED = 2;
const PAGE_TYPE_OVERFLOW = 7;
const PAGE_TYPE_HASH = 13;
const ITEM_KEYDATA = 1;
const ITEM_OFFPAGE = 3;
const OFFPAGE_ITEM_BYTES = 12;
const META_BYTES = 512;

/** Reads host-endian integers of a database written on either a little- or big-endian machine. */
interface Reader {
  u16(buf: Buffer, at: number): number;
  u32(buf: Buffer, at: number): number;
}
const LE: Reader = { u16: (b, at) => b.readUInt16LE(at), u32: (b, at) => b.readUInt32LE(at) };
const BE: Reader = { u16: (b, at) => b.readUInt16BE(at), u32: (b, at) => b.readUInt32BE(at) };

interface HashDb {
  readonly file: Buffer;
  readonly int: Reader;
  readonly pageSize: number;
  readonly pageCount: number;
  /** Overflow pages already read: in a sound database each belongs to exactly one value. */
  readonly consumed: Uint8Array;
}

function page(db: HashDb, pgno: number): Buffer | string {
  if (pgno >= db.pageCount)
    return `page ${pgno} is past the end of the file (${db.pageCount} pages)`;
  const bytes = db.file.subarray(pgno * db.pageSize, (pgno + 1) * db.pageSize);
  const stored = db.int.u32(bytes, 8);
  if (stored !== pgno) return `page ${pgno} says it is page ${stored}`;
  return bytes;
}

function isUnwrittenPage(db: HashDb, pgno: number): boolean {
  if (pgno >= db.pageCount) return false;
  const start = pgno * db.pageSize;
  return db.int.u32(db.file, start + 8) === 0 && db.file[start + 25] === 0;
}

/**
 * Follows an overflow chain: each page holds `hf_offset` bytes of the value after its header.
 * The chain is walked and checked first, then copied, so a hostile length costs no allocation.
 */
function readOverflow(db: HashDb, first: number, total: number): Buffer | string {
  if (total === 0 || total > db.file.length) {
    return `overflow item of ${total} bytes is impossible in a ${db.file.length}-byte file`;
  }
  const chain: { start: number; length: number }[] = [];
  let found = 0;
  for (let pgno = first; found < total;) {
    const bytes = page(db, pgno);
    if (typeof bytes === 'string') return bytes;
    if (bytes[25] !== PAGE_TYPE_OVERFLOW)
      return `page ${pgno} in an overflow chain has type ${bytes[25]}`;
    // In a sound file each overflow page belongs to one value, once: a page seen again is a loop
    // or a page shared by two values, which is how a small file would make every item re-read
    // one long chain.
    if (db.consumed[pgno] === 1)
      return `overflow page ${pgno} was already read (loop or shared page)`;
    db.consumed[pgno] = 1;
    const length = db.int.u16(bytes, 22);
    if (length === 0 || PAGE_HEADER_BYTES + length > db.pageSize || length > total - found) {
      return `overflow page ${pgno} holds ${length} bytes, which does not fit`;
    }
    chain.push({ start: pgno * db.pageSize + PAGE_HEADER_BYTES, length });
    found += length;
    pgno = db.int.u32(bytes, 16);
  }
  const out = Buffer.allocUnsafe(total);
  let filled = 0;
  for (const { start, length } of chain) {
    db.file.copy(out, filled, start, start + length);
    filled += length;
  }
  return out;
}

function readItem(
  db: HashDb,
  bytes: Buffer,
  offset: number,
  length: number,
  minOffset: number,
): Buffer | string {
  if (length <= 0 || offset < minOffset || offset + length > db.pageSize)
    return `item at offset ${offset} (${length} bytes) is out of bounds`;
  const kind = bytes[offset];
  if (kind === ITEM_KEYDATA) return bytes.subarray(offset + 1, offset + length);
  if (kind === ITEM_OFFPAGE && length === OFFPAGE_ITEM_BYTES) {
    return readOverflow(db, db.int.u32(bytes, offset + 4), db.int.u32(bytes, offset + 8));
  }
  return `item at offset ${offset} has unsupported type ${kind}`;
}

/** The key/value pairs of one hash page: index entries are (key, value) offsets, items grow down. */
function readHashPage(
  db: HashDb,
  bytes: Buffer,
  pgno: number,
  blobs: Buffer[],
  warnings: WarningList,
): void {
  const count = Math.min(db.int.u16(bytes, 20), Math.floor((db.pageSize - PAGE_HEADER_BYTES) / 2));
  const minOffset = PAGE_HEADER_BYTES + count * 2;
  for (let index = 0; index + 1 < count; index += 2) {
    const keyOffset = db.int.u16(bytes, PAGE_HEADER_BYTES + index * 2);
    const valueOffset = db.int.u16(bytes, PAGE_HEADER_BYTES + (index + 1) * 2);
    const keyEnd =
      index === 0 ? db.pageSize : db.int.u16(bytes, PAGE_HEADER_BYTES + (index - 1) * 2);
    const key = readItem(db, bytes, keyOffset, keyEnd - keyOffset, minOffset);
    if (typeof key === 'string') {
      warnings.push(`page ${pgno} entry ${index / 2}: key ${key}`);
      continue;
    }
    // Record 0 is rpm's instance counter, not a package.
    if (key.every((byte) => byte === 0)) continue;
    const value = readItem(db, bytes, valueOffset, keyOffset - valueOffset, minOffset);
    if (typeof value === 'string') warnings.push(`page ${pgno} entry ${index / 2}: value ${value}`);
    else blobs.push(value);
  }
}

/** Bucket b lives on page b + spares[number of bits in b] (BDB's BUCKET_TO_PAGE). */
function bucketPage(file: Buffer, int: Reader, bucket: number): number {
  let bits = 0;
  for (let b = bucket; b > 0; b >>>= 1) bits += 1;
  return bucket + int.u32(file, 96 + bits * 4);
}

/**
 * Reads every value of a Berkeley DB hash database (rpm's `Packages` up to rpm 4.16) without
 * libdb: the metadata page gives the page size, the last bucket and the bucket-to-page map; each
 * bucket is a chain of hash pages; large values live in chains of overflow pages. Every page
 * number, offset and length is checked, a page visited twice (a loop) ends that chain, and each
 * overflow page is read for one value only, so the work stays bounded by the file's size.
 */
export function readHashDb(file: Buffer): DbBlobs {
  if (file.length < META_BYTES)
    return unreadable(`file of ${file.length} bytes is too short for a Berkeley DB`);
  const magicLE = file.readUInt32LE(12);
  const magicBE = file.readUInt32BE(12);
  if (magicLE === BTREE_MAGIC || magicBE === BTREE_MAGIC)
    return unreadable('Berkeley DB btree database, not a hash database');
  if (magicLE !== HASH_MAGIC && magicBE !== HASH_MAGIC)
    return unreadable('not a Berkeley DB hash database (bad magic)');
  const int = magicLE === HASH_MAGIC ? LE : BE;
  const version = int.u32(file, 16);
  if (version < 8 || version > 10)
    return unreadable(`unsupported Berkeley DB hash version ${version}`);
  const pageSize = int.u32(file, 20);
  if (pageSize < META_BYTES || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    return unreadable(`invalid page size ${pageSize}`);
  if (file[24] !== 0) return unreadable('encrypted Berkeley DB databases are not supported');

  const warnings = new WarningList();
  const lastPage = int.u32(file, 32);
  const pageCount = Math.min(Math.floor(file.length / pageSize), lastPage + 1);
  if (pageCount < lastPage + 1)
    warnings.push(`file is truncated: ${pageCount} of ${lastPage + 1} pages present`);
  const db: HashDb = { file, int, pageSize, pageCount, consumed: new Uint8Array(pageCount) };
  const maxBucket = int.u32(file, 72);
  if (maxBucket >= pageCount)
    warnings.push(`last bucket ${maxBucket} cannot fit in ${pageCount} pages; reading what exists`);

  const blobs: Buffer[] = [];
  const visited = new Uint8Array(pageCount);
  for (let bucket = 0; bucket <= Math.min(maxBucket, pageCount); bucket += 1) {
    let pgno = bucketPage(file, int, bucket);
    while (pgno !== 0) {
      if (pgno < pageCount && visited[pgno] === 1) {
        warnings.push(
          `bucket ${bucket}: page ${pgno} is reached twice (page loop); chain ends here`,
        );
        break;
      }
      // BDB extends the file lazily: a bucket page never written reads as zeros, an empty bucket.
      if (isUnwrittenPage(db, pgno)) break;
      const bytes = page(db, pgno);
      if (typeof bytes === 'string') {
        warnings.push(`bucket ${bucket}: ${bytes}`);
        break;
      }
      visited[pgno] = 1;
      const type = bytes[25];
      if (type !== PAGE_TYPE_HASH && type !== PAGE_TYPE_HASH_UNSORTED) {
        warnings.push(`bucket ${bucket}: page ${pgno} has type ${type}, not a hash page`);
        break;
      }
      readHashPage(db, bytes, pgno, blobs, warnings);
      pgno = int.u32(bytes, 16);
    }
  }
  return { blobs, warnings: warnings.toArray() };
}
