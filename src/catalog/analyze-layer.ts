import { readLayer, type Image, type Layer, type LayerFile } from '../oci/index.js';
import { HEAD_BYTES, type Cataloger, type FileHeader, type ParseResult } from './cataloger.js';
import type { FileRecord, FileResult, LayerAnalysis } from './layer-analysis.js';
import { readClaimed } from './read-claimed.js';

export interface AnalyzeLayerOptions {
  readonly maxLayerBytes?: number | undefined;
  /** Largest single file a cataloger may buffer; bigger claimed files are skipped with a warning. */
  readonly maxFileBytes?: number | undefined;
  /** Called as bytes of the layer pass by (entries seen so far). */
  readonly onEntry?: ((entries: number) => void) | undefined;
  /** Told, once a blob layer is open, how to ask how many of its bytes and entries are done. */
  readonly onOpen?: ((bytesDone: () => number, entriesSeen: () => number) => void) | undefined;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 ** 3;

function record(entry: LayerFile): FileRecord {
  return {
    path: entry.path,
    type: entry.type,
    mode: entry.mode,
    size: entry.size,
    uid: entry.uid,
    gid: entry.gid,
    ...(entry.linkTarget === undefined ? {} : { linkTarget: entry.linkTarget }),
  };
}

/** The catalogers that claim the entry; undefined (and nothing allocated) when none does. */
function claimersOf(catalogers: readonly Cataloger[], entry: FileHeader): Cataloger[] | undefined {
  let claimers: Cataloger[] | undefined;
  for (const cataloger of catalogers) {
    if (cataloger.claims(entry)) (claimers ??= []).push(cataloger);
  }
  return claimers;
}

async function parseSafely(
  cataloger: Cataloger,
  header: FileHeader,
  content: Buffer,
): Promise<ParseResult> {
  try {
    // Field by field: the entry is a class instance (see oci/layer/blob-entry.ts), not data.
    return await cataloger.parse({
      path: header.path,
      type: header.type,
      mode: header.mode,
      size: header.size,
      content,
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { warnings: [`${cataloger.id}: could not parse: ${why}`] };
  }
}

/**
 * One streaming pass over a layer: every header is looked at once, only claimed files are
 * read into memory (one at a time), and each is parsed by the catalogers that claimed it.
 */
export async function analyzeLayer(
  image: Image,
  layer: Layer,
  catalogers: readonly Cataloger[],
  options: AnalyzeLayerOptions = {},
): Promise<LayerAnalysis> {
  const claimed: FileRecord[] = [];
  const results: FileResult[] = [];
  const links: FileRecord[] = [];
  const whiteouts: string[] = [];
  const opaques: string[] = [];
  const warnings: string[] = [];
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let entries = 0;
  let claimedBytes = 0;
  const readOptions = {
    imageName: image.name,
    ...(options.maxLayerBytes === undefined ? {} : { maxLayerBytes: options.maxLayerBytes }),
    ...(options.onOpen === undefined
      ? {}
      : {
          onOpen: (bytesDone: () => number) => options.onOpen?.(bytesDone, () => entries),
        }),
  };
  for await (const event of readLayer(layer, readOptions)) {
    if (event.type === 'whiteout') {
      whiteouts.push(event.path);
      continue;
    }
    if (event.type === 'opaque') {
      opaques.push(event.path);
      continue;
    }
    const entry = event.entry;
    entries += 1;
    if (entries % 4096 === 0) options.onEntry?.(entries);
    if (entry.type === 'symlink' || entry.type === 'hardlink') links.push(record(entry));
    if (entry.type !== 'file' && entry.type !== 'symlink' && entry.type !== 'hardlink') continue;
    let claimers = claimersOf(catalogers, entry);
    if (claimers === undefined) continue;
    claimed.push(record(entry));
    if (entry.type !== 'file') continue;
    if (claimers.some((cataloger) => cataloger.wants !== undefined)) {
      const head = await entry.peek(HEAD_BYTES);
      claimers = claimers.filter((cataloger) => !cataloger.wants || cataloger.wants(entry, head));
      if (claimers.length === 0) continue;
    }
    if (entry.size > maxFileBytes) {
      warnings.push(
        `skipped ${entry.path}: ${entry.size} bytes exceeds the per-file limit of ${maxFileBytes}`,
      );
      continue;
    }
    const { content, bytesRead } = await readClaimed(entry, claimers);
    claimedBytes += bytesRead;
    for (const cataloger of claimers) {
      const { warnings: fileWarnings, ...result } = await parseSafely(cataloger, entry, content);
      if (fileWarnings) warnings.push(...fileWarnings.map((w) => `${entry.path}: ${w}`));
      if (
        result.packages?.length ||
        result.os ||
        result.fileOwners?.length ||
        result.requirementsFor?.length ||
        result.findings?.length
      ) {
        results.push({ path: entry.path, cataloger: cataloger.id, result });
      }
    }
  }
  options.onEntry?.(entries);
  return {
    claimed,
    results,
    links,
    whiteouts,
    opaques,
    warnings,
    stats: { entries, claimedBytes },
  };
}
