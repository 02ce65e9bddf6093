import { opendir, lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable, Transform } from 'node:stream';
import tar from 'tar-stream';
import { ImageError } from '../errors.js';
import { parseDigest } from '../digest.js';
import { layerCompression } from '../media-types.js';
import {
  layerLabel,
  type BlobLayer,
  type DirectoryLayer,
  type EntryType,
  type Layer,
  type LayerEvent,
  type LayerFile,
} from '../image.js';
import { createDecompressor, sniffCompression } from './decompress.js';
import { DigestTap } from './digest-tap.js';
import { peekStream } from './peek.js';
import { normalizeEntryPath, OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from './paths.js';

export interface ReadLayerOptions {
  /** The image's name, for error messages. */
  readonly imageName: string;
  /** Cap on a layer's uncompressed size: a decompression bomb stops here. */
  readonly maxLayerBytes?: number;
}

export const DEFAULT_MAX_LAYER_BYTES = 32 * 1024 ** 3;

const TAR_TYPES: Readonly<Record<string, EntryType>> = {
  file: 'file',
  'contiguous-file': 'file',
  link: 'hardlink',
  symlink: 'symlink',
  directory: 'dir',
  'character-device': 'char',
  'block-device': 'block',
  fifo: 'fifo',
};

/**
 * Reads a layer as one stream of events: entries (whose bodies can be read while current),
 * whiteouts and opaque markers. Nothing is written to disk. For blob layers the compressed and
 * uncompressed digests are verified when the stream ends: a consumer must treat everything it
 * saw as invalid if the iteration throws.
 */
export function readLayer(layer: Layer, options: ReadLayerOptions): AsyncGenerator<LayerEvent> {
  switch (layer.kind) {
    case 'blob':
      return readBlobLayer(layer, options);
    case 'directory':
      return readDirectoryLayer(layer);
  }
}

function where(layer: Layer, options: ReadLayerOptions, path?: string): string {
  return `${options.imageName}: layer ${layerLabel(layer)}${path ? `: ${path}` : ''}`;
}

function toEvent(name: string, fail: (path: string, why: string) => never): LayerEvent | 'skip' | undefined {
  const path = normalizeEntryPath(name);
  if (path === undefined) fail(name, 'entry path leaves the image root');
  if (path === '') return 'skip';
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  const dir = slash >= 0 ? path.slice(0, slash) : '';
  if (base === OPAQUE_WHITEOUT) return { type: 'opaque', path: dir };
  const target = base.slice(WHITEOUT_PREFIX.length);
  return { type: 'whiteout', path: dir ? `${dir}/${target}` : target };
}

async function* readBlobLayer(layer: BlobLayer, options: ReadLayerOptions): AsyncGenerator<LayerEvent> {
  if (layerCompression(layer.mediaType) === undefined) {
    throw new ImageError('UNSUPPORTED_MEDIA_TYPE', `${where(layer, options)}: unsupported layer media type "${layer.mediaType}"`);
  }
  const limit = options.maxLayerBytes ?? DEFAULT_MAX_LAYER_BYTES;
  let currentPath: string | undefined;
  const fail = (path: string, why: string): never => {
    throw new ImageError('UNSAFE_PATH', `${where(layer, options, path)}: ${why}`, {
      details: { image: options.imageName, layer: layerLabel(layer), path },
    });
  };

  const raw = await layer.open();
  const rawTap = new DigestTap(layer.digest ? parseDigest(layer.digest).algorithm : undefined);
  raw.on('error', (error) => rawTap.destroy(error));
  const { head, stream } = await peekStream(raw.pipe(rawTap), 4);
  const decompressor = createDecompressor(sniffCompression(head));
  const plainTap = new DigestTap(layer.diffId ? parseDigest(layer.diffId).algorithm : undefined, limit, () =>
    new ImageError('SIZE_LIMIT', `${where(layer, options)}: uncompressed size exceeds the limit of ${limit} bytes`),
  );
  const extract = tar.extract();
  const stages: (Readable | Transform | tar.Extract)[] = [stream];
  if (decompressor) stages.push(decompressor);
  stages.push(plainTap, extract);
  let pipelineError: unknown;
  const done = pipeline(stages as [Readable, ...Transform[], tar.Extract]).catch((error: unknown) => {
    pipelineError = error;
  });

  const corrupt = (error: unknown): ImageError => {
    const cause = pipelineError ?? error;
    if (cause instanceof ImageError) return cause;
    const why = cause instanceof Error ? cause.message : String(cause);
    return new ImageError('LAYER_CORRUPT', `${where(layer, options, currentPath)}: corrupt layer (${why})`, {
      cause,
      details: { image: options.imageName, layer: layerLabel(layer), path: currentPath },
    });
  };

  try {
    for await (const tarEntry of extract) {
      const header = tarEntry.header;
      const event = toEvent(header.name, fail);
      currentPath = header.name;
      if (event === 'skip') {
        tarEntry.resume();
        continue;
      }
      if (event) {
        tarEntry.resume();
        yield event;
        continue;
      }
      const type = TAR_TYPES[header.type ?? 'file'];
      if (!type) {
        tarEntry.resume();
        continue;
      }
      const linkTarget =
        type === 'hardlink' ? (normalizeEntryPath(header.linkname ?? '') ?? fail(header.name, 'hard link leaves the image root')) : (header.linkname ?? undefined);
      let consumed = false;
      const file: LayerFile = {
        path: normalizeEntryPath(header.name) ?? '',
        type,
        mode: (header.mode ?? 0) & 0o7777,
        uid: header.uid ?? 0,
        gid: header.gid ?? 0,
        size: header.size ?? 0,
        linkTarget: linkTarget || undefined,
        read: async () => {
          if (consumed) throw new Error(`entry ${header.name} was already read`);
          consumed = true;
          const chunks: Buffer[] = [];
          for await (const chunk of tarEntry) chunks.push(chunk as Buffer);
          return Buffer.concat(chunks);
        },
      };
      yield { type: 'entry', entry: file };
      if (!consumed) {
        consumed = true;
        tarEntry.resume();
      }
    }
  } catch (error) {
    throw corrupt(error);
  }
  await done;
  if (pipelineError !== undefined) throw corrupt(pipelineError);
  verify(layer, options, 'blob', layer.digest, rawTap.digest());
  verify(layer, options, 'diff_id', layer.diffId, plainTap.digest());
}

function verify(layer: Layer, options: ReadLayerOptions, what: string, expected: string | undefined, hex: string | undefined): void {
  if (!expected || hex === undefined) return;
  const actual = `${parseDigest(expected).algorithm}:${hex}`;
  if (actual !== expected) {
    throw new ImageError('DIGEST_MISMATCH', `${where(layer, options)}: ${what} digest mismatch (expected ${expected}, got ${actual})`, {
      details: { image: options.imageName, layer: layerLabel(layer), expected, actual },
    });
  }
}

async function* readDirectoryLayer(layer: DirectoryLayer): AsyncGenerator<LayerEvent> {
  async function* walk(relative: string): AsyncGenerator<LayerEvent> {
    const absolute = relative ? join(layer.root, relative) : layer.root;
    const dir = await opendir(absolute);
    for await (const dirent of dir) {
      const path = relative ? `${relative}/${dirent.name}` : dirent.name;
      const full = join(layer.root, path);
      const stats = await lstat(full);
      const type: EntryType = stats.isDirectory()
        ? 'dir'
        : stats.isSymbolicLink()
          ? 'symlink'
          : stats.isFile()
            ? 'file'
            : stats.isCharacterDevice()
              ? 'char'
              : stats.isBlockDevice()
                ? 'block'
                : 'fifo';
      const entry: LayerFile = {
        path,
        type,
        mode: stats.mode & 0o7777,
        uid: stats.uid,
        gid: stats.gid,
        size: type === 'file' ? stats.size : 0,
        linkTarget: type === 'symlink' ? await readlink(full) : undefined,
        read: () => readFile(full),
      };
      yield { type: 'entry', entry };
      if (type === 'dir') yield* walk(path);
    }
  }
  yield* walk('');
}
