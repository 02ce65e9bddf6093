import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../testing/index.js';
import type { ParseResult } from '../cataloger.js';
import { headerToPackage, parseHeader, readHashDb, readNdb, rpmCataloger } from './index.js';
import { Tag, TagType } from './header/tags.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'rpm', ...parts));

async function parse(path: string, content: Buffer): Promise<ParseResult> {
  return rpmCataloger.parse({ path, type: 'file', mode: 0o644, size: content.length, content });
}

type Value = string | readonly string[] | readonly number[];

function int32s(values: readonly number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => out.writeUInt32BE(value, i * 4));
  return out;
}

/** Builds a header blob (big-endian index + data store) from tag values, for crafted cases. */
function header(entries: readonly [number, number, Value][]): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let offset = 0;
  for (const [tag, type, value] of entries) {
    const items = typeof value === 'string' ? [value] : value;
    const bytes =
      type === TagType.int32
        ? int32s(items.map(Number))
        : Buffer.from(items.map((s) => `${String(s)}\0`).join(''));
    const entry = Buffer.alloc(16);
    entry.writeUInt32BE(tag, 0);
    entry.writeUInt32BE(type, 4);
    entry.writeUInt32BE(offset, 8);
    entry.writeUInt32BE(items.length, 12);
    index.push(entry);
    data.push(bytes);
    offset += bytes.length;
  }
  const preamble = Buffer.alloc(8);
  preamble.writeUInt32BE(entries.length, 0);
  preamble.writeUInt32BE(offset, 4);
  return Buffer.concat([preamble, ...index, ...data]);
}

const BASIC: [number, number, Value][] = [
  [Tag.name, TagType.string, 'demo'],
  [Tag.version, TagType.string, '1.0'],
  [Tag.release, TagType.string, '1.el9'],
  [Tag.arch, TagType.string, 'x86_64'],
];

/**
 * A minimal little-endian Berkeley DB hash file built from the layout the reader implements:
 * metadata page, one bucket page of `pairs` (record number, off-page value) items that all
 * point at the same overflow page, and that overflow page holding `blob`.
 */
function hashDbWithSharedOverflow(blob: Buffer, pairs: number): Buffer {
  const pageSize = 4096;
  const db = Buffer.alloc(pageSize * 3);
  db.writeUInt32LE(0x00061561, 12);
  db.writeUInt32LE(9, 16);
  db.writeUInt32LE(pageSize, 20);
  db[25] = 8;
  db.writeUInt32LE(2, 32);
  db.writeUInt32LE(0, 72);
  db.writeUInt32LE(1, 96); // spares[0]: bucket 0 is page 1
  const page = pageSize;
  db.writeUInt32LE(1, page + 8);
  db.writeUInt16LE(pairs * 2, page + 20);
  db[page + 25] = 13;
  let top = pageSize;
  for (let i = 0; i < pairs; i += 1) {
    const keyAt = top - 5;
    const valueAt = keyAt - 12;
    db[page + keyAt] = 1;
    db.writeUInt32LE(i + 1, page + keyAt + 1);
    db[page + valueAt] = 3;
    db.writeUInt32LE(2, page + valueAt + 4);
    db.writeUInt32LE(blob.length, page + valueAt + 8);
    db.writeUInt16LE(keyAt, page + 26 + i * 4);
    db.writeUInt16LE(valueAt, page + 28 + i * 4);
    top = valueAt;
  }
  const overflow = pageSize * 2;
  db.writeUInt32LE(2, overflow + 8);
  db.writeUInt16LE(blob.length, overflow + 22);
  db[overflow + 25] = 7;
  blob.copy(db, overflow + 26);
  return db;
}

/** A small deterministic PRNG, so a failing mutation can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('rpm header blobs: corrupt counts and offsets', () => {
  it('reads a crafted header, with files from BASENAMES/DIRNAMES/DIRINDEXES', () => {
    const blob = header([
      ...BASIC,
      [Tag.baseNames, TagType.stringArray, ['a', 'b']],
      [Tag.dirIndexes, TagType.int32, [0, 1]],
      [Tag.dirNames, TagType.stringArray, ['/usr/bin/', '/etc/']],
    ]);
    const parsed = parseHeader(blob);
    expect(parsed.error).toBeUndefined();
    const result = parsed.header ? headerToPackage(parsed.header) : undefined;
    expect(result?.record).toMatchObject({
      name: 'demo',
      version: '1.0-1.el9',
      files: ['/usr/bin/a', '/etc/b'],
    });
  });

  it('drops files whose directory index points past DIRNAMES, with a warning', () => {
    const blob = header([
      ...BASIC,
      [Tag.baseNames, TagType.stringArray, ['a', 'b']],
      [Tag.dirIndexes, TagType.int32, [0, 7]],
      [Tag.dirNames, TagType.stringArray, ['/usr/bin/']],
    ]);
    const parsed = parseHeader(blob);
    const result = parsed.header ? headerToPackage(parsed.header) : undefined;
    expect(result?.record?.files).toEqual(['/usr/bin/a']);
    expect(result?.warnings).toEqual(['demo: 1 files point past the 1 directory names; skipped']);
  });

  it.each([
    [
      'index count beyond rpm’s limit',
      (b: Buffer) => b.writeUInt32BE(0x7fffffff, 0),
      'index count',
    ],
    ['zero entries', (b: Buffer) => b.writeUInt32BE(0, 0), 'index count 0'],
    [
      'data length beyond rpm’s limit',
      (b: Buffer) => b.writeUInt32BE(0xffffffff, 4),
      'data length',
    ],
    [
      'data length past the blob',
      (b: Buffer) => b.writeUInt32BE(b.readUInt32BE(4) + 1, 4),
      'shorter than',
    ],
    [
      'an offset past the data store',
      (b: Buffer) => b.writeUInt32BE(0x00ffffff, 8 + 8),
      'outside the data store',
    ],
    [
      'a count that runs past the data',
      (b: Buffer) => b.writeUInt32BE(0x00ffffff, 8 + 12),
      'runs past',
    ],
  ])('rejects %s', (_what, corrupt, message) => {
    const blob = header(BASIC);
    corrupt(blob);
    expect(parseHeader(blob).error).toContain(message);
  });

  it('rejects a string that is not NUL-terminated inside the data store', () => {
    const blob = header(BASIC);
    blob[blob.length - 1] = 0x41; // the arch string's terminator
    const parsed = parseHeader(blob);
    const result = parsed.header ? headerToPackage(parsed.header) : undefined;
    expect(result?.record?.arch).toBeUndefined();
    expect(result?.warnings.some((w) => w.includes('not terminated'))).toBe(true);
  });
});

describe('Berkeley DB: truncation, loops and absurd metadata', () => {
  it('a truncated database gives the packages it still holds and says it is truncated', async () => {
    const full = await fixture('go-rpmdb', 'centos7-plain', 'Packages');
    const all = new Set((await parse('var/lib/rpm/Packages', full)).packages?.map((p) => p.name));
    const half = await parse('var/lib/rpm/Packages', full.subarray(0, Math.floor(full.length / 2)));
    expect(half.warnings?.[0]).toMatch(/file is truncated/u);
    expect(half.packages?.length).toBeGreaterThan(0);
    expect(half.packages?.length).toBeLessThan(all.size);
    for (const p of half.packages ?? []) expect(all.has(p.name)).toBe(true);
  });

  it('a hash page whose next-page pointer loops back ends that chain with a warning', async () => {
    const db = Buffer.from(await fixture('syft', 'Packages'));
    db.writeUInt32LE(1, 4096 + 16); // page 1 (bucket 0) -> next page 1
    const result = readHashDb(db);
    expect(result.warnings).toEqual([
      'bucket 0: page 1 is reached twice (page loop); chain ends here',
    ]);
    expect(result.blobs).toHaveLength(1);
  });

  it('an overflow chain that loops is cut off, not followed forever', async () => {
    const db = Buffer.from(await fixture('syft', 'Packages'));
    const pageSize = db.readUInt32LE(20);
    const pages = db.length / pageSize;
    for (let pgno = 1; pgno < pages; pgno += 1) {
      const at = pgno * pageSize;
      if (db[at + 25] !== 7) continue;
      db.writeUInt32LE(pgno, at + 16); // next overflow page: itself
      db.writeUInt16LE(1, at + 22); // one byte per page, so the value never completes
    }
    const result = readHashDb(db);
    expect(result.blobs).toEqual([]);
    expect(result.warnings.some((w) => w.includes('was already read (loop or shared page)'))).toBe(
      true,
    );
  });

  it('many items sharing one overflow chain yield it once (work stays linear)', () => {
    const blob = header(BASIC);
    const db = hashDbWithSharedOverflow(blob, 150);
    const result = readHashDb(db);
    expect(result.blobs).toEqual([blob]);
    expect(result.warnings).toHaveLength(101);
    expect(result.warnings[0]).toBe(
      'page 1 entry 1: value overflow page 2 was already read (loop or shared page)',
    );
    expect(result.warnings[100]).toBe('... and 49 more problems');
  });

  it('an absurd last bucket is bounded by the pages that exist, with few warnings', async () => {
    const db = Buffer.from(await fixture('go-rpmdb', 'libuuid', 'Packages'));
    db.writeUInt32LE(0xfffffff0, 72);
    const result = await parse('var/lib/rpm/Packages', db);
    expect(result.packages?.map((p) => p.name)).toEqual(['libuuid']);
    expect(result.warnings?.length).toBeLessThanOrEqual(21);
  });

  it.each([
    ['page size', 20, 1000, 'invalid page size 1000'],
    ['version', 16, 3, 'unsupported Berkeley DB hash version 3'],
    ['magic', 12, 0x12345678, 'not a Berkeley DB hash database (bad magic)'],
  ])('rejects a bad %s in the metadata page', async (_what, at, value, message) => {
    const db = Buffer.from(await fixture('syft', 'Packages'));
    db.writeUInt32LE(value, at);
    expect(await parse('var/lib/rpm/Packages', db)).toEqual({ warnings: [message] });
  });
});

describe('empty database files', () => {
  it.each(['var/lib/rpm/Packages', 'var/lib/rpm/Packages.db', 'var/lib/rpm/rpmdb.sqlite'])(
    'an empty %s means no packages, without a warning',
    async (path) => {
      expect(await parse(path, Buffer.alloc(0))).toEqual({ packages: [] });
    },
  );
});

describe('NDB: truncation and bad slots', () => {
  it('a truncated NDB file gives the blobs that are whole and warns for the rest', async () => {
    const full = await fixture('go-rpmdb', 'sle15-bci', 'Packages.db');
    const result = readNdb(full.subarray(0, 256 * 1024));
    expect(result.blobs.length).toBeGreaterThan(0);
    expect(result.blobs.length).toBeLessThan(35);
    expect(result.warnings[0]).toMatch(/runs past the end of the file/u);
  });

  it('a slot pointing at someone else’s blob is skipped', async () => {
    const db = Buffer.from(await fixture('go-rpmdb', 'sle15-bci', 'Packages.db'));
    db.writeUInt32LE(db.readUInt32LE(48 + 8), 32 + 8); // slot 1 -> slot 2's blocks
    const result = readNdb(db);
    expect(result.blobs).toHaveLength(34);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^package 1: blob at block \d+ belongs to package 2$/u),
    ]);
  });

  it('a package index given two slots is read once', async () => {
    const db = Buffer.from(await fixture('go-rpmdb', 'sle15-bci', 'Packages.db'));
    db.writeUInt32LE(1, 48 + 4); // slot 2 claims package 1 as well
    const result = readNdb(db);
    expect(result.blobs).toHaveLength(34);
    expect(result.warnings).toEqual(['slot at byte 48: package 1 has a second slot']);
  });

  it('rejects a file without the NDB magic', async () => {
    expect(await parse('var/lib/rpm/Packages.db', Buffer.from('RpmX'.padEnd(64, '\0')))).toEqual({
      warnings: ['not an rpm NDB package database (bad magic)'],
    });
  });
});

describe('SQLite: damaged files', () => {
  it('a truncated database is reported, not thrown', async () => {
    const full = await fixture('go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite');
    const result = await parse('var/lib/rpm/rpmdb.sqlite', full.subarray(0, 64 * 1024));
    expect(result.warnings?.[0]).toMatch(/^cannot (open|read) the SQLite database/u);
  });

  it('garbage behind the SQLite magic is reported, not thrown', async () => {
    const junk = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0xa5)]);
    const result = await parse('var/lib/rpm/rpmdb.sqlite', junk);
    expect(result.packages ?? []).toEqual([]);
    expect(result.warnings?.length).toBe(1);
  });
});

describe('random corruption never throws', () => {
  it.each([
    ['var/lib/rpm/Packages', ['syft', 'Packages'], 400],
    ['var/lib/rpm/Packages', ['go-rpmdb', 'libuuid', 'Packages'], 200],
    ['var/lib/rpm/Packages.db', ['go-rpmdb', 'sle15-bci', 'Packages.db'], 100],
    ['var/lib/rpm/rpmdb.sqlite', ['go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite'], 20],
  ])('%s from %j, %i mutations', async (path, parts, rounds) => {
    const original = await fixture(...parts);
    const random = mulberry32(rounds);
    for (let round = 0; round < rounds; round += 1) {
      const mutated = Buffer.from(original);
      for (let flips = 1 + Math.floor(random() * 16); flips > 0; flips -= 1) {
        mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
      }
      const result = await parse(path, mutated);
      expect(result).toBeDefined();
    }
  });
});
