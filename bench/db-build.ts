// Benchmark: `lockyard db build` from every real advisory fixture in ../shared/fixtures/vulndb
// (Debian OVAL bookworm + bullseye, Alpine secdb v3.2..edge, Go, RustSec, PyPA YAML, GHSA), run
// through the built CLI under GNU time: wall time, peak RSS, database size, records/s per source.
// Then the read side on the result: cold lookups/s (SQLite) and a full preload.
// Usage: npm run build && npx tsx bench/db-build.ts [--runs 3]
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openVulnDb } from '../src/vulndb/index.js';
import { sharedFixturesRoot } from '../src/testing/index.js';
import { benchDir, measure, median, repo, table } from './lib.js';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const runs = Number(arg('runs', '3'));
const fixtures = join(sharedFixturesRoot, 'vulndb');
const sources = [
  `debian-oval:${join(fixtures, 'debian-oval')}`,
  `alpine-secdb:${join(fixtures, 'alpine-secdb.tar.gz')}`,
  `osv:${join(fixtures, 'osv-go.tar.gz')}`,
  `osv:${join(fixtures, 'osv-crates.tar.gz')}`,
  `osv:${join(fixtures, 'osv-pypi-yaml.tar.gz')}`,
  `osv:${join(fixtures, 'ghsa')}`,
];
const dir = join(benchDir, 'db-build');
mkdirSync(dir, { recursive: true });
const output = join(dir, 'lockyard.db');

const walls: number[] = [];
const rss: number[] = [];
for (let run = 0; run < runs; run += 1) {
  rmSync(output, { force: true });
  // Run through its first line, as `npx lockyard` runs it (Node flags, one malloc arena).
  const measured = measure(join(repo, 'bin', 'lockyard.js'), [
    'db',
    'build',
    '--quiet',
    ...sources.flatMap((s) => ['--source', s]),
    '-o',
    output,
  ]);
  walls.push(measured.seconds);
  rss.push(measured.maxRssMb);
  console.error(
    `run ${run + 1}: ${measured.seconds.toFixed(1)} s, ${measured.maxRssMb.toFixed(0)} MiB peak RSS`,
  );
}

const db = openVulnDb(output);
const status = db.status();
const records = status.sources.reduce((n, s) => n + s.records, 0);
console.log(
  `## lockyard db build, all fixture feeds (${runs} runs, median; load average ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim()})\n`,
);
console.log(
  table(
    ['wall time', 'peak RSS', 'database size', 'records', 'affected entries', 'records/s'],
    [
      [
        `${median(walls).toFixed(1)} s`,
        `${median(rss).toFixed(0)} MiB`,
        `${(statSync(output).size / 1024 / 1024).toFixed(1)} MiB`,
        records,
        status.affected,
        Math.round(records / median(walls)),
      ],
    ],
  ),
);
console.log('\nper source (last run, in-process time):\n');
console.log(
  table(
    ['source', 'input', 'records', 'affected', 'skipped', 'seconds', 'records/s'],
    status.sources.map((s) => [
      s.kind,
      s.input.replace(`${fixtures}/`, ''),
      s.records,
      s.affected,
      s.skipped,
      (s.durationMs / 1000).toFixed(1),
      Math.round((s.records * 1000) / Math.max(1, s.durationMs)),
    ]),
  ),
);

// Read side: every (ecosystem, package) key once, cold, through SQLite; then a full preload.
const keys = status.ecosystems.length;
const reader = openVulnDb(output);
const names: [string, string][] = [];
{
  const sql = new Database(output, { readonly: true });
  for (const row of sql
    .prepare<[], { ecosystem: string; package: string }>(
      'SELECT DISTINCT ecosystem, package FROM affected',
    )
    .all())
    names.push([row.ecosystem, row.package]);
  sql.close();
}
let started = performance.now();
let found = 0;
for (const [ecosystem, name] of names) found += reader.lookup(ecosystem, name).length;
const coldSeconds = (performance.now() - started) / 1000;
started = performance.now();
let warm = 0;
for (const [ecosystem, name] of names) warm += reader.lookup(ecosystem, name).length;
const warmSeconds = (performance.now() - started) / 1000;
const preloader = openVulnDb(output);
started = performance.now();
preloader.preload();
const preloadSeconds = (performance.now() - started) / 1000;
console.log(
  `\nread side (${keys} ecosystems, ${names.length} distinct packages, ${found} entries):\n`,
);
console.log(
  table(
    ['cold lookups/s (SQLite)', 'memoized lookups/s', 'preload everything'],
    [
      [
        Math.round(names.length / coldSeconds),
        Math.round(names.length / Math.max(warmSeconds, 1e-6)),
        `${preloadSeconds.toFixed(2)} s`,
      ],
    ],
  ),
);
if (warm !== found) throw new Error('memoized lookups differ from cold ones');
reader.close();
preloader.close();
db.close();
