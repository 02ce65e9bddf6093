import { ImageError, resolveLinkTarget } from '../oci/index.js';
import type { FileRecord, FileResult, LayerAnalysis } from './layer-analysis.js';

/** A claimed file as the final image shows it, with the layer it came from. */
export interface VisibleResult extends FileResult {
  readonly layerIndex: number;
  /** The path the result is reached by; differs from `path` when reached through a link. */
  readonly accessPath: string;
}

export interface SquashedView {
  readonly results: readonly VisibleResult[];
  /** Visible links by path (for canonicalizing paths through symlinked directories). */
  readonly links: ReadonlyMap<string, FileRecord>;
  readonly warnings: readonly string[];
}

const MAX_LINK_HOPS = 40;

function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
    out.push(path.slice(0, slash));
  }
  return out;
}

/** Layers hide what lies below: an entry at the same path, a whiteout, or an opaque directory. */
class Occlusion {
  private readonly defined = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly opaque = new Set<string>();

  hides(path: string): boolean {
    if (this.defined.has(path) || this.removed.has(path)) return true;
    for (const dir of ancestors(path)) {
      if (this.removed.has(dir) || this.opaque.has(dir)) return true;
    }
    return false;
  }

  define(path: string): void {
    this.defined.add(path);
  }

  applyDeletions(analysis: LayerAnalysis): void {
    for (const path of analysis.whiteouts) this.removed.add(path);
    for (const path of analysis.opaques) this.opaque.add(path);
  }
}

/**
 * Combines per-layer analyses into the final image's view: for each claimed path the result of
 * the topmost layer that defines it, unless a later layer deleted it; claimed links resolved to
 * their targets inside the image root.
 */
export function squash(analyses: readonly LayerAnalysis[]): SquashedView {
  const visible = new Map<string, { record: FileRecord; layerIndex: number }>();
  const visibleLinks = new Map<string, FileRecord>();
  const resultsByPath = new Map<string, { layerIndex: number; results: FileResult[] }>();
  const claimedOcclusion = new Occlusion();
  const linkOcclusion = new Occlusion();
  for (let index = analyses.length - 1; index >= 0; index -= 1) {
    const analysis = analyses[index];
    if (!analysis) continue;
    const fresh: string[] = [];
    for (const record of analysis.claimed) {
      if (claimedOcclusion.hides(record.path)) continue;
      visible.set(record.path, { record, layerIndex: index });
      fresh.push(record.path);
    }
    for (const path of fresh) claimedOcclusion.define(path);
    for (const result of analysis.results) {
      const shown = visible.get(result.path);
      if (shown?.layerIndex !== index) continue;
      const bucket = resultsByPath.get(result.path) ?? { layerIndex: index, results: [] };
      bucket.results.push(result);
      resultsByPath.set(result.path, bucket);
    }
    const freshLinks: string[] = [];
    for (const link of analysis.links) {
      if (linkOcclusion.hides(link.path)) continue;
      visibleLinks.set(link.path, link);
      freshLinks.push(link.path);
    }
    for (const path of freshLinks) linkOcclusion.define(path);
    claimedOcclusion.applyDeletions(analysis);
    linkOcclusion.applyDeletions(analysis);
  }

  const warnings: string[] = [];
  const results: VisibleResult[] = [];
  for (const [path, { layerIndex, results: fileResults }] of resultsByPath) {
    for (const result of fileResults) results.push({ ...result, layerIndex, accessPath: path });
  }
  for (const [path, { record }] of visible) {
    if (record.type !== 'symlink' && record.type !== 'hardlink') continue;
    const target = resolveClaimedLink(path, visible, warnings);
    if (target === undefined) continue;
    const bucket = resultsByPath.get(target);
    if (!bucket) continue;
    for (const result of bucket.results)
      results.push({ ...result, layerIndex: bucket.layerIndex, accessPath: path });
  }
  results.sort((a, b) =>
    a.accessPath < b.accessPath
      ? -1
      : a.accessPath > b.accessPath
        ? 1
        : a.cataloger.localeCompare(b.cataloger),
  );
  return { results, links: visibleLinks, warnings };
}

function resolveClaimedLink(
  start: string,
  visible: ReadonlyMap<string, { record: FileRecord }>,
  warnings: string[],
): string | undefined {
  let path = start;
  for (let hops = 0; hops < MAX_LINK_HOPS; hops += 1) {
    const record = visible.get(path)?.record;
    if (!record || (record.type !== 'symlink' && record.type !== 'hardlink')) return path;
    const target =
      record.type === 'hardlink'
        ? record.linkTarget
        : resolveLinkTarget(path, record.linkTarget ?? '');
    if (target === undefined) {
      warnings.push(
        `not following ${start}: link target "${record.linkTarget ?? ''}" leaves the image root`,
      );
      return undefined;
    }
    path = target;
  }
  throw new ImageError('SYMLINK_LOOP', `${start}: too many levels of symbolic links`, {
    details: { path: start },
  });
}
