import type { EntryType } from '../oci/index.js';
import type { OsInfo, PackageRecord, PackageType } from './types.js';

/** What a cataloger sees before deciding to claim a file: the tar header, never the bytes. */
export interface FileHeader {
  readonly path: string;
  readonly type: EntryType;
  readonly mode: number;
  readonly size: number;
}

export interface ClaimedFile extends FileHeader {
  readonly content: Buffer;
}

/** An OS package's file list that lives in a file of its own (dpkg `info/<pkg>.list`). */
export interface FileOwnerList {
  readonly type: PackageType;
  readonly packageName: string;
  readonly files: readonly string[];
}

export interface ParseResult {
  readonly packages?: readonly PackageRecord[];
  readonly os?: OsInfo;
  readonly fileOwners?: readonly FileOwnerList[];
  /** Problems with the file's content: recorded and reported, never thrown. */
  readonly warnings?: readonly string[];
}

/**
 * One ecosystem's cataloger. It claims files by header up front (so the layer pass buffers only
 * those), then parses each claimed file on its own: bytes in, records out, no I/O. Cross-file
 * facts (OS, ownership, distro qualifiers) are joined after the layers are squashed.
 */
export interface Cataloger {
  /** Equals the cataloger's folder name. */
  readonly id: string;
  readonly displayName: string;
  /** The format specifications this cataloger follows. */
  readonly urls: readonly string[];
  readonly packageTypes: readonly PackageType[];
  /** Bumped when parsing changes, so cached layer results are recomputed. */
  readonly version: number;
  claims(file: FileHeader): boolean;
  parse(file: ClaimedFile): ParseResult | Promise<ParseResult>;
}

export function defineCataloger(cataloger: Cataloger): Cataloger {
  return cataloger;
}

export const EXECUTE_BITS = 0o111;

export function isExecutableFile(file: FileHeader): boolean {
  return file.type === 'file' && (file.mode & EXECUTE_BITS) !== 0 && file.size > 0;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
