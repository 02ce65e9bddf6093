import type { ImageCheckFinding, ImageCheckInput } from './types.js';
import { imageRules } from './rules/index.js';

export type { ImageCheckFinding, ImageCheckInput } from './types.js';
export { imageRules } from './rules/index.js';
export { permissionAnalyzer } from './permission-analyzer.js';

/** Runs every image check over a catalog. */
export function checkImage(input: ImageCheckInput): ImageCheckFinding[] {
  return imageRules.flatMap((rule) => rule.evaluate(input));
}
