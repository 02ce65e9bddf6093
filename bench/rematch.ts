// Benchmark: re-match 10,000 stored SBOMs against the vulnerability database (the registry's
// continuous-rescan path: no image is read, only stored catalogs). Target: <= 10 s on 2 cores.
// Usage: npx tsx bench/rematch.ts [--sboms 10000] [--db FILE]
// The SBOMs are first matched against a database of four fixture feeds ("yesterday"), then
// re-matched against one of all six ("today", or --db FILE); only the second match is timed.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, Package } from '../src/catalog/index.js';
import { createMatcher, PackageKeyTable, rescan, toMatchInput } from '../src/match/index.js';
import { openKeyValueStore } from '../src/store/index.js';
import { buildVulnDb, openVulnDb } from '../src/vulndb/index.js';
import { catalogImageDir, sharedFixturesRoot } from '../src/testing/index.js';
import { benchDir, repo, table } from './lib.js';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const count = Number(arg('sboms', '10000'));
const fixtures = join(sharedFixturesRoot, 'vulndb');
const FEEDS = [
  { kind: 'debian-oval', path: join(fixtures, 'debian-oval') },
  { kind: 'alpine-secdb', path: join(fixtures, 'alpine-secdb.tar.gz') },
  { kind: 'osv', path: join(fixtures, 'osv-go.tar.gz') },
  { kind: 'osv', path: join(fixtures, 'osv-crates.tar.gz') },
  { kind: 'osv', path: join(fixtures, 'osv-pypi-yaml.tar.gz') },
  { kind: 'osv', path: join(fixtures, 'ghsa') },
];
mkdirSync(join(benchDir, 'rematch'), { recursive: true });

/** Builds (once) a database from the given feeds. */
async function database(name: string, inputs: typeof FEEDS): Promise<string> {
  const path = join(benchDir, 'rematch', name);
  if (!existsSync(path)) {
    console.error(`building ${name} from ${inputs.length} fixture feeds…`);
    await buildVulnDb({ inputs, output: path });
  }
  return path;
}
// The registry's situation: SBOMs were matched against yesterday's database; today's adds feeds
// (here the PyPI and GitHub advisories are "published" between the two).
const previousDb = await database('vuln-previous.db', FEEDS.slice(0, 4));
const dbPath = arg('db', '') || (await database('vuln.db', FEEDS));

// Real catalogs to draw packages from: the benchmark images when built, else the shipped example.
const sources = [
  join(benchDir, 'images', 'large.tar'),
  join(benchDir, 'images', 'debian-minbase.tar'),
  join(repo, 'examples', 'alpine-3.10.tar.gz'),
].filter((p) => existsSync(p));
const catalogs: Catalog[] = [];
for (const source of sources) catalogs.push(await catalogImageDir(source));
console.error(
  `catalogs: ${catalogs.map((c) => `${c.image.name.split('/').pop() ?? ''}=${c.packages.length}`).join(', ')}`,
);

let seed = 42;
const random = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

/**
 * An older build of the same package: the last number in the version lowered by 1-3 (dpkg
 * `2.36-9+deb12u4` -> `2.36-9+deb12u2`, apk `1.1.24-r2` -> `1.1.24-r0`, `4.17.21` -> `4.17.19`).
 * A registry holds images built over months, so the same package appears at many versions.
 */
function older(version: string): string {
  const match = /(?<digits>\d+)(?<rest>\D*)$/.exec(version);
  const digits = match?.groups?.['digits'];
  if (!match || digits === undefined) return version;
  const lowered = Math.max(0, Number(digits) - 1 - Math.floor(random() * 3));
  return `${version.slice(0, match.index)}${lowered}${match.groups?.['rest'] ?? ''}`;
}

// 10,000 SBOMs of realistic size: each is one real catalog with a random ~70-100% of its packages
// (images built on the same bases differ in what they add and remove), a third of them at an older
// version. They are stored the way the registry stores them for rescans: one shared table of
// (ecosystem, name, version) keys, and per SBOM an Int32Array of key references, in SQLite.
const storePath = join(benchDir, 'rematch', 'sboms.db');
rmSync(storePath, { force: true });
const store = openKeyValueStore(storePath);
const keyTable = new PackageKeyTable();
let packages = 0;
for (let i = 0; i < count; i += 1) {
  const base = catalogs[i % catalogs.length] as Catalog;
  const keep = 0.7 + random() * 0.3;
  const kept: Package[] = base.packages
    .filter(() => random() < keep)
    .map((pkg) => (random() < 0.33 ? { ...pkg, version: older(pkg.version) } : pkg));
  packages += kept.length;
  const keys = keyTable.encode(toMatchInput({ os: base.os, packages: kept }));
  store.put('sbom', String(i), Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength));
}
const avg = Math.round(packages / count);

function* stored(): Generator<{ id: string; keys: Int32Array }> {
  for (let i = 0; i < count; i += 1) {
    const bytes = store.get('sbom', String(i));
    if (!bytes) continue;
    const copy = new Uint8Array(bytes);
    yield { id: String(i), keys: new Int32Array(copy.buffer, 0, copy.byteLength / 4) };
  }
}

// Yesterday's results, as the registry has them stored (not timed).
const previous = new Map<string, string>();
{
  const db = openVulnDb(previousDb);
  for (const result of rescan(createMatcher(db), keyTable, stored()))
    previous.set(result.id, result.digest);
  db.close();
}

// The timed part: open the updated database, read every stored SBOM, re-match all of them, and
// find the SBOMs whose results changed.
const started = performance.now();
const db = openVulnDb(dbPath);
const results = rescan(createMatcher(db), keyTable, stored());
const changed = results.filter((result) => previous.get(result.id) !== result.digest).length;
const findings = results.reduce((n, r) => n + r.findings.length, 0);
const seconds = (performance.now() - started) / 1000;
db.close();
store.close();

const report = [
  `## Re-matching ${count} stored SBOMs (${new Date().toISOString().slice(0, 10)})`,
  '',
  table(
    [
      'SBOMs',
      'avg packages per SBOM',
      'distinct package versions',
      'vulnerabilities (sum over SBOMs)',
      'SBOMs with changed results',
      'seconds',
      'SBOMs/s',
      'target',
    ],
    [
      [
        count,
        avg,
        keyTable.keys.length,
        findings,
        changed,
        seconds.toFixed(2),
        Math.round(count / seconds),
        '≤ 10 s',
      ],
    ],
  ),
].join('\n');
mkdirSync(join(benchDir, 'results'), { recursive: true });
writeFileSync(join(benchDir, 'results', 'rematch.md'), report);
console.log(report);
