import { TagType, type TagTypeCode } from './tags.js';

/**
 * rpm's own limits (lib/header_internal.h): a header has fewer than 65536 index entries and
 * less than 256 MiB of data. A blob claiming more is corrupt or hostile, not a big package.
 */
const MAX_INDEX_ENTRIES = 0xffff;
const MAX_DATA_BYTES = 0x0fffffff;
const ENTRY_BYTES = 16;
const PREAMBLE_BYTES = 8;

interface IndexEntry {
  readonly type: TagTypeCode;
  readonly offset: number;
  readonly count: number;
}

/** Bytes per element for the fixed-size types; strings are variable. */
const FIXED_SIZE: Partial<Record<TagTypeCode, number>> = {
  [TagType.char]: 1,
  [TagType.int8]: 1,
  [TagType.int16]: 2,
  [TagType.int32]: 4,
  [TagType.int64]: 8,
  [TagType.bin]: 1,
};

function isKnownType(type: number): type is TagTypeCode {
  return Number.isInteger(type) && type >= TagType.null && type <= TagType.i18nString;
}

/**
 * A parsed rpm header (the "header blob" that every rpmdb backend stores: BDB, NDB and SQLite).
 * Accessors decode one tag on demand and return undefined for an absent tag or one whose data is
 * out of bounds; out-of-bounds data is also recorded in `problems`, so callers can warn.
 */
export class RpmHeader {
  readonly problems: string[] = [];

  constructor(
    private readonly data: Buffer,
    private readonly entries: ReadonlyMap<number, IndexEntry>,
  ) {}

  has(tag: number): boolean {
    return this.entries.has(tag);
  }

  /** A STRING or I18NSTRING tag (the first, untranslated, value of the latter). */
  string(tag: number): string | undefined {
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    if (
      entry.type !== TagType.string &&
      entry.type !== TagType.i18nString &&
      entry.type !== TagType.stringArray
    ) {
      this.problem(tag, `has type ${entry.type}, expected a string`);
      return undefined;
    }
    return this.readStrings(tag, entry, 1)?.[0];
  }

  strings(tag: number): string[] | undefined {
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    if (entry.type === TagType.string) return this.readStrings(tag, entry, 1);
    if (entry.type !== TagType.stringArray && entry.type !== TagType.i18nString) {
      this.problem(tag, `has type ${entry.type}, expected a string array`);
      return undefined;
    }
    return this.readStrings(tag, entry, entry.count);
  }

  /** An INT32 (or INT16/INT8/INT64) array as numbers. */
  numbers(tag: number): number[] | undefined {
    const entry = this.entries.get(tag);
    if (!entry) return undefined;
    const size = FIXED_SIZE[entry.type];
    if (size === undefined || entry.type === TagType.bin || entry.type === TagType.char) {
      this.problem(tag, `has type ${entry.type}, expected an integer`);
      return undefined;
    }
    const out = new Array<number>(entry.count);
    for (let i = 0, at = entry.offset; i < entry.count; i += 1, at += size) {
      out[i] = readUnsigned(this.data, at, size);
    }
    return out;
  }

  number(tag: number): number | undefined {
    return this.numbers(tag)?.[0];
  }

  private readStrings(tag: number, entry: IndexEntry, count: number): string[] | undefined {
    const out: string[] = [];
    let at = entry.offset;
    for (let i = 0; i < count; i += 1) {
      const end = this.data.indexOf(0, at);
      if (end === -1) {
        this.problem(tag, `string ${i} at offset ${at} is not terminated inside the data store`);
        return undefined;
      }
      out.push(this.data.toString('utf8', at, end));
      at = end + 1;
    }
    return out;
  }

  private problem(tag: number, why: string): void {
    this.problems.push(`tag ${tag} ${why}`);
  }
}

function readUnsigned(data: Buffer, at: number, size: number): number {
  switch (size) {
    case 1:
      return data.readUInt8(at);
    case 2:
      return data.readUInt16BE(at);
    case 4:
      return data.readUInt32BE(at);
    default:
      return Number(data.readBigUInt64BE(at));
  }
}

export type HeaderParse =
  | { readonly header: RpmHeader; readonly error?: undefined }
  | { readonly header?: undefined; readonly error: string };

/**
 * Parses a header blob: big-endian entry count `il` and data length `dl`, `il` 16-byte index
 * entries (tag, type, offset, count) and `dl` bytes of data. Every entry's extent is checked
 * against the data store here; strings are decoded lazily by the accessors.
 */
export function parseHeader(blob: Buffer): HeaderParse {
  if (blob.length < PREAMBLE_BYTES)
    return { error: `header blob of ${blob.length} bytes is shorter than its preamble` };
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il < 1 || il > MAX_INDEX_ENTRIES)
    return { error: `header index count ${il} is out of range` };
  if (dl > MAX_DATA_BYTES) return { error: `header data length ${dl} is out of range` };
  const dataStart = PREAMBLE_BYTES + il * ENTRY_BYTES;
  if (blob.length < dataStart + dl) {
    return {
      error: `header blob of ${blob.length} bytes is shorter than its ${il} entries and ${dl} data bytes`,
    };
  }
  const data = blob.subarray(dataStart, dataStart + dl);
  const entries = new Map<number, IndexEntry>();
  for (let i = 0; i < il; i += 1) {
    const at = PREAMBLE_BYTES + i * ENTRY_BYTES;
    const tag = blob.readUInt32BE(at);
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readUInt32BE(at + 8);
    const count = blob.readUInt32BE(at + 12);
    // Unknown types and NULL entries carry nothing this cataloger reads; rpm itself skips them.
    if (!isKnownType(type) || type === TagType.null) continue;
    if (count === 0 || offset >= dl)
      return { error: `header entry ${i} (tag ${tag}) points outside the data store` };
    const size = FIXED_SIZE[type];
    const minBytes = size === undefined ? count : count * size;
    if (minBytes > dl - offset)
      return { error: `header entry ${i} (tag ${tag}) runs past the data store` };
    // The first occurrence wins: the immutable region comes first, later entries are additions.
    if (!entries.has(tag)) entries.set(tag, { type, offset, count });
  }
  return { header: new RpmHeader(data, entries) };
}
