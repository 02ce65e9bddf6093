import type { ImageSummary, LocatedFileFinding } from '../catalog/index.js';
import { scanText } from './scan-text.js';

/**
 * Secrets in the image config rather than in a file: `Env` values (`ENV`, and build arguments docker
 * bakes into the environment) and history `created_by` lines (the commands, with `ARG` values that
 * RUN steps record as `|N KEY=value …`). Both travel with every pull of the image, so a credential
 * there is as leaked as one in a layer.
 *
 * Each finding's `path` says where, since there is no file: `config Env NAME`, or `history step N`
 * (1-based, in the order `docker history --no-trunc` lists them bottom-up). A history step that made
 * a layer carries that layer's index; `Env` and empty steps carry -1 (no layer). Excerpts are masked
 * by the same rules as files.
 */
export function scanImageConfig(image: ImageSummary): LocatedFileFinding[] {
  const out: LocatedFileFinding[] = [];
  const add = (text: string, path: string, layerIndex: number): void => {
    for (const match of scanText(text)) {
      out.push({
        kind: 'secret',
        ruleId: match.ruleId,
        title: match.title,
        severity: match.severity,
        category: match.category,
        excerpt: match.excerpt,
        path,
        layerIndex,
        layerDiffId: image.layers[layerIndex]?.diffId,
        visible: true,
      });
    }
  };
  for (const pair of image.config.config?.Env ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    add(pair, `config Env ${pair.slice(0, equals)}`, -1);
  }
  let layer = 0;
  for (const [index, entry] of (image.config.history ?? []).entries()) {
    const layerIndex = entry.empty_layer === true ? -1 : layer;
    if (entry.empty_layer !== true) layer += 1;
    if (entry.created_by) add(entry.created_by, `history step ${index + 1}`, layerIndex);
  }
  return out;
}
