import type { EntryType } from '../oci/index.js';
import type { ParseResult } from './cataloger.js';

/** One entry of a layer, as recorded for the squashed view (no bytes). */
export interface FileRecord {
  readonly path: string;
  readonly type: EntryType;
  readonly mode: number;
  readonly size: number;
  readonly uid: number;
  readonly gid: number;
  readonly linkTarget?: string | undefined;
}

/** What one cataloger made of one claimed file. */
export interface FileResult {
  readonly path: string;
  readonly cataloger: string;
  readonly result: ParseResult;
}

/**
 * Everything the catalog needs from one layer, computed in one streaming pass and cached by the
 * layer's diff_id: a base layer shared by many images is analysed once.
 */
export interface LayerAnalysis {
  /** Claimed entries (whatever their type): a later layer's entry here hides a lower one. */
  readonly claimed: readonly FileRecord[];
  readonly results: readonly FileResult[];
  /** Every symlink and hard link, for resolving claimed paths and file ownership. */
  readonly links: readonly FileRecord[];
  readonly whiteouts: readonly string[];
  readonly opaques: readonly string[];
  readonly warnings: readonly string[];
  readonly stats: { readonly entries: number; readonly claimedBytes: number };
}
