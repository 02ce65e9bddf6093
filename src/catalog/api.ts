import type { Cataloger } from './cataloger.js';
import { dotnetCataloger } from './dotnet/index.js';
import { npmCataloger } from './npm/index.js';
import { apkCataloger } from './apk/index.js';
import { dpkgCataloger } from './dpkg/index.js';
import { golangCataloger } from './golang/index.js';
import { javaCataloger } from './java/index.js';
import { osReleaseCataloger } from './os-release/index.js';
import { phpCataloger } from './php/index.js';
import { pythonCataloger } from './python/index.js';
import { rubyCataloger } from './ruby/index.js';
import { rpmCataloger } from './rpm/index.js';
import { rustCataloger } from './rust/index.js';

/**
 * The explicit registry of catalogers, in the order they run. A test checks that every folder
 * under catalog/ that holds a cataloger is listed here and that its id equals the folder name.
 */
export const catalogers: ReadonlyMap<string, Cataloger> = new Map<string, Cataloger>([
  [osReleaseCataloger.id, osReleaseCataloger],
  [dpkgCataloger.id, dpkgCataloger],
  [apkCataloger.id, apkCataloger],
  [rpmCataloger.id, rpmCataloger],
  [npmCataloger.id, npmCataloger],
  [pythonCataloger.id, pythonCataloger],
  [phpCataloger.id, phpCataloger],
  [rubyCataloger.id, rubyCataloger],
  [dotnetCataloger.id, dotnetCataloger],
  [golangCataloger.id, golangCataloger],
  [rustCataloger.id, rustCataloger],
  [javaCataloger.id, javaCataloger],
]);

export function allCatalogers(): Cataloger[] {
  return [...catalogers.values()];
}
