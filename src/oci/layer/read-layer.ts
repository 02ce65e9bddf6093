import { ImageError } from '../errors.js';
import { parseDigest } from '../digest.js';
import { layerCompression } from '../media-types.js';
import { layerLabel, type BlobLayer, type Layer, type LayerEvent } from '../image.js';
import { printable } from '../printable.js';
import { TarFormatError } from '../tar/tar-stream-reader.js';
import { openMemberSource, SEEK_MIN_BYTES, type MemberSource } from './member-source.js';
import { BlobEntry, EntryCursor } from './blob-entry.js';
import { classifyEntryName } from './entry-name.js';
import { normalizeEntryPath } from './paths.js';
import { readDirectoryLayer } from './read-directory.js';

export interface ReadLayerOptions {
  /** The image's name, for error messages. */
  readonly imageName: string;
  /** Cap on a layer's uncompressed size: a decompression bomb stops here. */
  readonly maxLayerBytes?: number;
  /** Read uncompressed file-backed layers at least this large by position (default 128 MiB). */
  readonly seekMinBytes?: number;
  /** Told, once the blob is open, how to ask how many of its bytes are done (for progress). */
  readonly onOpen?: (bytesDone: () => number) => void;
}

export const DEFAULT_MAX_LAYER_BYTES = 32 * 1024 ** 3;

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

interface Site {
  readonly layer: BlobLayer;
  readonly options: ReadLayerOptions;
}

function where(site: Site, path?: string): string {
  return `${site.options.imageName}: layer ${layerLabel(site.layer)}${path === undefined ? '' : `: ${printable(path)}`}`;
}

function details(site: Site, path?: string): Record<string, string | undefined> {
  return { image: site.options.imageName, layer: layerLabel(site.layer), path };
}

function unsafe(site: Site, path: string, why: string): ImageError {
  return new ImageError('UNSAFE_PATH', `${where(site, path)}: ${why}`, {
    details: details(site, path),
  });
}

const DECOMPRESSOR_NAMES = { gzip: 'gzip', zstd: 'zstd', none: 'tar' } as const;

/** Turns whatever stopped the read into one typed error naming image, layer and entry. */
function corrupt(
  site: Site,
  stream: MemberSource | undefined,
  error: unknown,
  path: string | undefined,
): ImageError {
  const cause = stream?.error() ?? error;
  if (cause instanceof ImageError) return cause;
  if (error instanceof ImageError) return error;
  if (error instanceof TarFormatError && stream?.error() === undefined) {
    return new ImageError('LAYER_CORRUPT', `${where(site, path)}: corrupt tar (${error.message})`, {
      cause: error,
      details: details(site, path),
    });
  }
  const why = cause instanceof Error ? cause.message : String(cause);
  const kind = stream ? DECOMPRESSOR_NAMES[stream.compression] : 'layer';
  return new ImageError(
    'LAYER_CORRUPT',
    `${where(site, path)}: corrupt ${kind} data (${printable(why, 120)})`,
    {
      cause,
      details: details(site, path),
    },
  );
}

function verify(
  site: Site,
  what: string,
  expected: string | undefined,
  actual: string | undefined,
): void {
  if (!expected || actual === undefined || actual === expected) return;
  throw new ImageError(
    'DIGEST_MISMATCH',
    `${where(site)}: ${what} digest mismatch (expected ${expected}, got ${actual})`,
    {
      details: { ...details(site), expected, actual },
    },
  );
}

async function* readBlobLayer(
  layer: BlobLayer,
  options: ReadLayerOptions,
): AsyncGenerator<LayerEvent> {
  const site: Site = { layer, options };
  if (layerCompression(layer.mediaType) === undefined) {
    throw new ImageError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${where(site)}: unsupported layer media type "${printable(layer.mediaType)}"`,
      { details: details(site) },
    );
  }
  // Malformed digests fail here, before any byte is read.
  if (layer.digest) parseDigest(layer.digest);
  if (layer.diffId) parseDigest(layer.diffId);
  const limit = options.maxLayerBytes ?? DEFAULT_MAX_LAYER_BYTES;
  let source: MemberSource | undefined;
  let path: string | undefined;
  let finished = false;
  try {
    source = await openMemberSource(layer, {
      maxTarBytes: limit,
      seekMinBytes: options.seekMinBytes ?? SEEK_MIN_BYTES,
      oversize: () =>
        new ImageError(
          'SIZE_LIMIT',
          `${where(site)}: uncompressed size exceeds the limit of ${limit} bytes`,
          {
            details: details(site),
          },
        ),
      overlong: () =>
        new ImageError(
          'DIGEST_MISMATCH',
          `${where(site)}: blob is larger than the ${layer.size ?? 0} bytes its descriptor declares`,
          { details: details(site) },
        ),
    });
    const opened = source;
    options.onOpen?.(() => opened.bytesDone());
    const cursor = new EntryCursor(opened, (error, name) => corrupt(site, opened, error, name));
    for (let header = await source.next(); header; header = await source.next()) {
      path = header.name;
      const named = classifyEntryName(header.name);
      if (named.kind === 'unsafe') throw unsafe(site, header.name, named.reason);
      if (named.kind === 'skip' || header.type === 'other') continue;
      if (named.kind === 'whiteout' || named.kind === 'opaque') {
        yield { type: named.kind, path: named.path };
        continue;
      }
      let linkTarget: string | undefined;
      if (header.type === 'hardlink') {
        // Docker joins a hard link's target onto the root, so a leading slash is harmless; `..` is not.
        linkTarget = normalizeEntryPath(header.linkname.replace(/^\/+/, ''));
        if (!linkTarget || header.linkname.split('/').includes('..')) {
          throw unsafe(
            site,
            header.name,
            `hard link to "${printable(header.linkname)}" leaves the image root`,
          );
        }
      } else if (header.type === 'symlink') {
        // Recorded as stored; resolving it (inside the root) is the reader's business.
        linkTarget = header.linkname;
      }
      const entry = new BlobEntry(
        cursor,
        header.name,
        named.path,
        header.type,
        header.mode,
        header.uid,
        header.gid,
        header.dataSize,
        linkTarget || undefined,
      );
      yield { type: 'entry', entry };
      cursor.generation += 1;
    }
    path = undefined;
    const computed = await source.finish();
    if (layer.size !== undefined && computed.rawBytes !== layer.size) {
      throw new ImageError(
        'DIGEST_MISMATCH',
        `${where(site)}: blob has ${computed.rawBytes} bytes but its descriptor declares ${layer.size}`,
        { details: details(site) },
      );
    }
    verify(site, 'blob', layer.digest, computed.blob);
    verify(site, 'diff_id', layer.diffId, computed.diffId);
    finished = true;
  } catch (error) {
    throw corrupt(site, source, error, path);
  } finally {
    if (!finished) await source?.destroy();
  }
}
