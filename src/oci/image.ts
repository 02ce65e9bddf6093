import type { Readable } from 'node:stream';
import type { HistoryEntry, ImageConfig, ImageManifest } from './schemas.js';
import type { PlatformSpec } from './platform.js';

export type ImageSourceKind =
  'oci-layout' | 'oci-archive' | 'docker-archive' | 'rootfs' | 'registry';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/**
 * One entry of a layer, with its path normalized: relative to the image root, `/`-separated,
 * no `.` or `..` segments, no leading or trailing slash. Whiteouts are not entries: they arrive
 * as `{ type: 'whiteout' }` or `{ type: 'opaque' }` markers (see LayerEvent).
 */
export interface LayerEntry {
  readonly path: string;
  readonly type: EntryType;
  /** Permission bits including setuid/setgid/sticky (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Symlink: the raw target as stored. Hard link: the normalized path of the linked entry. */
  readonly linkTarget: string | undefined;
}

/** An entry as met while reading a layer: its bytes can be read once, while it is current. */
export interface LayerFile extends LayerEntry {
  /** Reads the whole body (only while this entry is current; at most `limit` bytes). */
  read(): Promise<Buffer>;
  /** The first `count` bytes of the body (fewer if it is shorter), without consuming it. */
  peek(count: number): Promise<Buffer>;
  /**
   * Present where the body can be read by position (an uncompressed tar in a local file, a root
   * file-system directory): copies body bytes [offset, offset + length) into the same range of
   * `target`, while this entry is current and unread. Lets a cataloger read only the parts of a
   * large file it looks at.
   */
  readonly readInto?:
    ((target: Buffer, offset: number, length: number) => Promise<void>) | undefined;
  /**
   * Present where the body comes from a stream (a compressed layer): hands the whole body, once,
   * to `visit` as views in order with their offsets, while this entry is current and unread.
   * Lets a cataloger keep only the parts of a large file it looks at, which it must choose
   * before the bytes pass (a stream is not read twice).
   */
  readonly scan?: ((visit: (piece: Buffer, offset: number) => void) => Promise<void>) | undefined;
}

export type LayerEvent =
  | { readonly type: 'entry'; readonly entry: LayerFile }
  | { readonly type: 'whiteout'; readonly path: string }
  | { readonly type: 'opaque'; readonly path: string };

interface LayerBase {
  readonly index: number;
  /** The digest of the blob as stored (possibly compressed); undefined where none is known. */
  readonly digest: string | undefined;
  /** The digest of the uncompressed tar (config `rootfs.diff_ids`); undefined for a directory. */
  readonly diffId: string | undefined;
  readonly mediaType: string;
  readonly size: number | undefined;
  /** The history entry (Dockerfile step) that created this layer, when the config records it. */
  readonly history: HistoryEntry | undefined;
}

/** A layer stored as a tar blob: read through the streaming layer reader. */
export interface BlobLayer extends LayerBase {
  readonly kind: 'blob';
  open(): Promise<Readable>;
  /** Where the blob's bytes sit in a local file, when they do (lets the digest be computed in parallel). */
  readonly file?:
    { readonly path: string; readonly offset: number; readonly size: number } | undefined;
}

/** A plain directory standing in for a single layer (the `dir:` root file-system source). */
export interface DirectoryLayer extends LayerBase {
  readonly kind: 'directory';
  readonly root: string;
}

export type Layer = BlobLayer | DirectoryLayer;

export interface Image {
  readonly kind: ImageSourceKind;
  /** What the user named, for messages and reports. */
  readonly name: string;
  readonly manifestDigest: string | undefined;
  /** The config blob's digest, i.e. the image ID; undefined for a root file-system directory. */
  readonly configDigest: string | undefined;
  readonly manifest: ImageManifest | undefined;
  readonly config: ImageConfig;
  readonly layers: readonly Layer[];
  readonly repoTags: readonly string[];
  readonly platform: PlatformSpec | undefined;
  close(): Promise<void>;
}

/** Pairs each layer with its history entry: non-empty history entries map to layers in order. */
export function historyForLayers(
  config: ImageConfig,
  layerCount: number,
): (HistoryEntry | undefined)[] {
  const nonEmpty = (config.history ?? []).filter((entry) => entry.empty_layer !== true);
  return Array.from({ length: layerCount }, (_, index) => nonEmpty[index]);
}

/** A short label for a layer in messages: its digest, or its position when it has none. */
export function layerLabel(layer: Layer): string {
  return layer.digest ?? layer.diffId ?? `layer ${layer.index}`;
}
