import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { runCli, sharedFixture, useTempDir } from '../testing/index.js';

const ghsa = sharedFixture('vulndb', 'ghsa');
const trackerSample = fileURLToPath(
  new URL('./sources/debian-tracker/__fixtures__/tracker-sample.json', import.meta.url),
);

const statusSchema = z.object({
  schemaVersion: z.number(),
  builtAt: z.string(),
  ageSeconds: z.number(),
  advisories: z.number(),
  affected: z.number(),
  sources: z.array(
    z.object({ kind: z.string(), input: z.string(), records: z.number(), skipped: z.number() }),
  ),
});

describe('lockyard db (the built CLI)', () => {
  const dir = useTempDir('lockyard-db-cli-');
  const dataDir = join(dir, 'data');

  it('builds into the data directory and prints counts per source and the skipped total', async () => {
    const tree = join(dir, 'osv');
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(tree, 'bad.json'), '{"id": "X-1"}');
    const result = await runCli([
      'db',
      'build',
      '--source',
      `osv:${ghsa}`,
      '-s',
      `osv:${tree}`,
      '--source',
      `debian-tracker:${trackerSample}`,
      '--data-dir',
      dataDir,
    ]);
    expect(result.stderr).toBe(
      'warning: skipped malformed advisory record source=osv file=bad.json field=modified reason="modified: Invalid input: expected string, received undefined"\n',
    );
    expect(result.code).toBe(0);
    expect(existsSync(join(dataDir, 'vulndb', 'lockyard.db'))).toBe(true);
    expect(result.stdout).toMatch(
      /^Built .*\/data\/vulndb\/lockyard\.db \(\d+\.\d MiB\) in \d+\.\ds\n/,
    );
    expect(result.stdout).toMatch(/ {2}osv +35 records +127 affected +0 skipped/);
    expect(result.stdout).toMatch(/ {2}debian-tracker +7 records +17 affected +0 skipped/);
    expect(result.stdout).toContain('  malformed records skipped: 1\n');
  });

  it('reports status as text and as JSON', async () => {
    const text = await runCli(['db', 'status', '--data-dir', dataDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^Database: {2}.*lockyard\.db \(\d+\.\d MiB\)\nSchema: {4}1\nBuilt at: {2}\S+ \(\d+ minutes ago\)\nNewest: {4}2024-09-10T19:41:04\.000Z\n/,
    );
    // Every ecosystem with its affected entries: the tracker sample's 17 are 5 + 7 + 2 + 3.
    expect(text.stdout).toContain(
      '\nEcosystems:\n  Debian:11 (5), Debian:12 (7), Debian:13 (2), Debian:sid (3), Maven (25),',
    );
    expect(text.stdout).toMatch(/ npm \(39\)\n$/);
    const json = await runCli([
      'db',
      'status',
      '--json',
      '--db',
      join(dataDir, 'vulndb', 'lockyard.db'),
    ]);
    expect(json.code).toBe(0);
    const status = statusSchema.parse(JSON.parse(json.stdout));
    expect(status.schemaVersion).toBe(1);
    expect(status.ageSeconds).toBeGreaterThanOrEqual(0);
    expect(status.sources.map((s) => [s.kind, s.records, s.skipped])).toEqual([
      ['osv', 35, 0],
      ['osv', 0, 1],
      ['debian-tracker', 7, 0],
    ]);
  });

  it.each([
    [
      ['db', 'build', '--source', 'nvd:/tmp/x'],
      "lockyard: error: unknown advisory source 'nvd' (known: osv, debian-oval, debian-tracker, alpine-secdb)\n",
    ],
    [
      ['db', 'build', '--source', 'osv:/nonexistent/feed'],
      'lockyard: error: advisory input /nonexistent/feed (source osv) does not exist\n',
    ],
    [
      ['db', 'build', '--source', 'osv'],
      'lockyard: error: --source osv: expected KIND:PATH (kinds: osv, debian-oval, debian-tracker, alpine-secdb)\n',
    ],
    [
      ['db', 'status', '--db', '/nonexistent/x.db'],
      "lockyard: error: no vulnerability database at /nonexistent/x.db: run 'lockyard db update' or 'lockyard db build'\n",
    ],
    [
      ['db', 'update', '--feed', 'nvd:https://example.invalid/x'],
      "lockyard: error: --feed nvd:https://example.invalid/x: unknown advisory source 'nvd' (known: osv, debian-oval, debian-tracker, alpine-secdb)\n",
    ],
  ])('%j fails with one line and exit 2', async (args, message) => {
    const result = await runCli([...args, '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(message);
  });

  it('names an unreachable feed without a stack and leaves the database as it was', async () => {
    const result = await runCli([
      'db',
      'update',
      '--feed',
      'osv:http://127.0.0.1:9/all.zip?token=secret',
      '--data-dir',
      dataDir,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^lockyard: error: feed http:\/\/127\.0\.0\.1:9\/all\.zip \(osv\): request failed \(fetch failed: [^)]+\); without network, build the database from feeds on disk \(lockyard db build --source KIND:PATH\) or pull one from a registry \(lockyard db pull\)\n$/,
    );
    expect(result.stderr).not.toContain('secret');
    expect((await runCli(['db', 'status', '--data-dir', dataDir])).code).toBe(0);
  });
});
