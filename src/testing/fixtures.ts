import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root (works from src/ and from dist/). */
export const repoRoot = resolve(here, '..', '..');

/** The repository this checkout was cloned from, when that is a directory on this machine. */
function originCheckout(): string | undefined {
  try {
    const url = execFileSync('git', ['-C', repoRoot, 'config', '--get', 'remote.origin.url'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    return isAbsolute(path) && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function findSharedFixtures(): string {
  const fromEnv = process.env['LOCKYARD_SHARED_FIXTURES'];
  if (fromEnv) return resolve(fromEnv);
  const beside = join(repoRoot, '..', 'shared', 'fixtures');
  if (existsSync(beside)) return resolve(beside);
  // A fresh clone elsewhere (CI's `git clone . "$(mktemp -d)"`) finds them next to its origin.
  const origin = originCheckout();
  const besideOrigin = origin ? join(origin, '..', 'shared', 'fixtures') : undefined;
  return resolve(besideOrigin && existsSync(besideOrigin) ? besideOrigin : beside);
}

/**
 * The shared real-data fixtures: LOCKYARD_SHARED_FIXTURES, else `../shared/fixtures` next to the
 * checkout, else next to the checkout it was cloned from. Tests call `sharedFixture(...)`.
 */
export const sharedFixturesRoot = findSharedFixtures();

export function sharedFixture(...parts: string[]): string {
  const path = join(sharedFixturesRoot, ...parts);
  if (!existsSync(path)) throw new Error(`shared fixture missing: ${path}`);
  return path;
}

/** A fixture in a `__fixtures__` folder next to a test: `localFixture(import.meta.url, 'x')`. */
export function localFixture(testFileUrl: string, ...parts: string[]): string {
  return join(dirname(fileURLToPath(testFileUrl)), '__fixtures__', ...parts);
}

export async function readSharedFixture(...parts: string[]): Promise<Buffer> {
  return readFile(sharedFixture(...parts));
}

/** Debian's OVAL feed for bookworm (2023-07-14), the Debian advisories most tests match against. */
export function bookwormOval(): string {
  return sharedFixture('vulndb', 'debian-oval', 'oval-definitions-bookworm.2023-07-14.xml.bz2');
}
