import type { EntryType } from '../image.js';
import { readCString, type HeaderBlock } from './header.js';

/** A member's header after PAX records and GNU long names have been applied. */
export interface TarEntryHeader {
  /** The name as stored (not normalized). */
  readonly name: string;
  /** What the member is; `other` for types an image never needs (volume labels, sparse files). */
  readonly type: EntryType | 'other';
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** The entry's size as declared (for links and directories this may be non-zero). */
  readonly size: number;
  /** How many data bytes follow the header (0 for header-only types, as Go's reader decides). */
  readonly dataSize: number;
  readonly linkname: string;
}

/** Meta members hold no file: they carry a long name or PAX records for the member that follows. */
export type MetaKind = 'pax' | 'pax-global' | 'gnu-long-name' | 'gnu-long-link';

const META: Readonly<Record<string, MetaKind>> = {
  x: 'pax',
  g: 'pax-global',
  L: 'gnu-long-name',
  K: 'gnu-long-link',
};

const TYPES: Readonly<Record<string, EntryType>> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/** Largest meta member we buffer: names and PAX records are small; more is a memory attack. */
export const MAX_META_BYTES = 1024 * 1024;

export function metaKind(typeflag: string): MetaKind | undefined {
  return META[typeflag];
}

/** Parses PAX extended header records (`"%d %s=%s\n"`); returns a reason string when malformed. */
export function parsePaxRecords(data: Buffer): Map<string, string> | string {
  const records = new Map<string, string>();
  let position = 0;
  while (position < data.length) {
    if (data[position] === 0) break;
    const space = data.indexOf(0x20, position);
    if (space === -1 || space - position > 20) return 'malformed PAX record length';
    const length = Number(data.toString('latin1', position, space));
    if (
      !Number.isSafeInteger(length) ||
      length <= space - position + 1 ||
      position + length > data.length
    ) {
      return 'malformed PAX record length';
    }
    if (data[position + length - 1] !== 0x0a) return 'PAX record without newline';
    const record = data.toString('utf8', space + 1, position + length - 1);
    const equals = record.indexOf('=');
    if (equals <= 0) return 'PAX record without a key';
    records.set(record.slice(0, equals), record.slice(equals + 1));
    position += length;
  }
  return records;
}

function paxNumber(records: ReadonlyMap<string, string>, key: string): number | undefined | 'bad' {
  const value = records.get(key);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) return 'bad';
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) ? parsed : 'bad';
}

/**
 * Carries meta members (PAX headers, GNU long names) over to the member they describe, the way
 * archive/tar merges them. One instance per archive, fed in order.
 */
export class TarMetaState {
  private longName: string | undefined;
  private longLink: string | undefined;
  private local = new Map<string, string>();
  private readonly global = new Map<string, string>();

  /** Takes the body of a meta member; returns a reason string when it is malformed. */
  accept(kind: MetaKind, body: Buffer): string | undefined {
    switch (kind) {
      case 'gnu-long-name':
        this.longName = readCString(body, 0, body.length);
        return undefined;
      case 'gnu-long-link':
        this.longLink = readCString(body, 0, body.length);
        return undefined;
      case 'pax':
      case 'pax-global': {
        const records = parsePaxRecords(body);
        if (typeof records === 'string') return records;
        const target = kind === 'pax' ? this.local : this.global;
        for (const [key, value] of records) target.set(key, value);
        return undefined;
      }
    }
  }

  /** The effective header of a file member; clears the per-member state. */
  resolve(block: HeaderBlock): TarEntryHeader | string {
    const records = this.global.size === 0 ? this.local : new Map([...this.global, ...this.local]);
    // Most members have no PAX records of their own: keep the empty map rather than a new one each.
    if (this.local.size > 0) this.local = new Map();
    const longName = this.longName;
    const longLink = this.longLink;
    this.longName = undefined;
    this.longLink = undefined;
    const size = paxNumber(records, 'size');
    const uid = paxNumber(records, 'uid');
    const gid = paxNumber(records, 'gid');
    if (size === 'bad' || uid === 'bad' || gid === 'bad') return 'malformed PAX size, uid or gid';
    let name = records.get('path') ?? longName ?? block.name;
    let type: EntryType | 'other' = TYPES[block.typeflag] ?? 'other';
    // archive/tar: an old-style regular file whose name ends in a slash is a directory.
    if (block.typeflag === '\0' && name.endsWith('/')) type = 'dir';
    if (type === 'dir') name = name.replace(/\/+$/, '');
    const declared = size ?? block.size;
    const headerOnly = type !== 'file' && type !== 'other';
    return {
      name,
      type,
      mode: block.mode & 0o7777,
      uid: uid ?? block.uid,
      gid: gid ?? block.gid,
      size: declared,
      dataSize: headerOnly ? 0 : declared,
      linkname: records.get('linkpath') ?? longLink ?? block.linkname,
    };
  }
}
