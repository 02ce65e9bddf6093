import type { Cataloger } from './cataloger.js';
import { npmCataloger } from './npm/index.js';
import { osReleaseCataloger } from './os-release/index.js';

/**
 * The explicit registry of catalogers, in the order they run. A test checks that every folder
 * under catalog/ that holds a cataloger is listed here and that its id equals the folder name.
 */
export const catalogers: ReadonlyMap<string, Cataloger> = new Map<string, Cataloger>([
  [osReleaseCataloger.id, osReleaseCataloger],
  [npmCataloger.id, npmCataloger],
]);

export function allCatalogers(): Cataloger[] {
  return [...catalogers.values()];
}
