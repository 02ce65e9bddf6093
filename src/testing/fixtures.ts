import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root (works from src/ and from dist/). */
export const repoRoot = resolve(here, '..', '..');

/**
 * The shared real-data fixtures (`../shared/fixtures` next to the checkout), overridable with
 * LOCKYARD_SHARED_FIXTURES. Tests that need them call `sharedFixture(...)`.
 */
export const sharedFixturesRoot = resolve(
  process.env['LOCKYARD_SHARED_FIXTURES'] ?? join(repoRoot, '..', 'shared', 'fixtures'),
);

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
