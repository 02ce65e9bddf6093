import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The data directory: `--data-dir`, else `$LOCKYARD_DATA_DIR`, else `~/.lockyard`. */
export function resolveDataDir(flag?: string): string {
  return resolve(flag ?? process.env['LOCKYARD_DATA_DIR'] ?? join(homedir(), '.lockyard'));
}

export interface DataDirLayout {
  readonly root: string;
  readonly cacheDb: string;
  readonly tmp: string;
}

/** Creates the data directory's layout (mode 0700: it holds caches, databases and secrets). */
export function ensureDataDir(root: string): DataDirLayout {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const tmp = join(root, 'tmp');
  mkdirSync(tmp, { recursive: true, mode: 0o700 });
  return { root, cacheDb: join(root, 'cache.db'), tmp };
}
