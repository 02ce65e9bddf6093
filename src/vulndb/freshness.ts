import { join } from 'node:path';
import type { VulnDbStatus } from './db/reader.js';
import { VulnDbError } from './errors.js';

/** Where the database lives in a data directory unless `-o`/`--db` says otherwise. */
export function defaultVulnDbPath(dataDir: string): string {
  return join(dataDir, 'vulndb', 'lockyard.db');
}

export interface Freshness {
  readonly builtAt: string;
  readonly ageMs: number;
  readonly fresh: boolean;
}

/** How old the database is (from when it was built, which is when its feeds were read). */
export function checkFreshness(
  status: Pick<VulnDbStatus, 'builtAt'>,
  maxAgeMs: number,
  now: Date = new Date(),
): Freshness {
  const built = Date.parse(status.builtAt);
  const ageMs = Number.isNaN(built) ? Number.POSITIVE_INFINITY : now.getTime() - built;
  return { builtAt: status.builtAt, ageMs, fresh: ageMs <= maxAgeMs };
}

/** For `scan --max-db-age`: refuses a database older than the limit, naming both. */
export function assertFresh(
  status: Pick<VulnDbStatus, 'builtAt' | 'path'>,
  maxAgeMs: number,
  now: Date = new Date(),
): void {
  const freshness = checkFreshness(status, maxAgeMs, now);
  if (freshness.fresh) return;
  const days = (ms: number): string =>
    Number.isFinite(ms) ? `${(ms / 86_400_000).toFixed(1)} days` : 'an unknown time';
  throw new VulnDbError(
    'DB_TOO_OLD',
    `vulnerability database ${status.path} was built ${days(freshness.ageMs)} ago (${status.builtAt || 'unknown'}), older than the allowed ${days(maxAgeMs)}: run 'lockyard db update'`,
    { details: { path: status.path, builtAt: status.builtAt, ageMs: freshness.ageMs, maxAgeMs } },
  );
}
