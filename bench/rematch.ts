// Benchmark: re-match 10,000 stored SBOMs against the vulnerability database (the registry's
// continuous-rescan path: no image is read, only stored catalogs). Target: <= 10 s on 2 cores.
// Usage: npx tsx bench/rematch.ts [--sboms 10000] [--db FILE]
// Without --db, a database is built from every fixture feed in ../shared/fixtures/vulndb.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog, Package } from '../src/catalog/index.js';
import { createMatcher, PackageKeyTable, rescan, toMatchInput } from '../src/match/index.js';
import { openKeyValueStore } from '../src/store/index.js';
import { buildVulnDb, openVulnDb } from '../src/vulndb/index.js';
import { catalogImageDir } from '../src/testing/index.js';
import { benchDir, repo, table } from './lib.js';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const count = Number(arg('sboms', '10000'));
const fixtures = join(repo, '..', 'shared', 'fixtures', 'vulndb');
let dbPath = arg('db', '');
if (!dbPath) {
  dbPath = join(benchDir, 'rematch', 'vuln.db');
  mkdirSync(join(benchDir, 'rematch'), { recursive: true });
  if (!existsSync(dbPath)) {
    const inputs = [
      { kind: 'debian-oval', path: join(fixtures, 'debian-oval') },
      { kind: 'alpine-secdb', path: join(fixtures, 'alpine-secdb.tar.gz') },
      { kind: 'osv', path: join(fixtures, 'osv-go.tar.gz') },
      { kind: 'osv', path: join(fixtures, 'osv-crates.tar.gz') },
      { kind: 'osv', path: join(fixtures, 'osv-pypi-yaml.tar.gz') },
      { kind: 'osv', path: join(fixtures, 'ghsa') },
    ];
    console.error('building the database from every fixture feed…');
    await buildVulnDb({ inputs, output: dbPath });
  }
}

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

// 10,000 SBOMs of realistic size: each is one real catalog with a random ~70-100% of its packages
// (images built on the same bases differ in what they add and remove). They are stored the way the
// registry stores them for rescans: one shared table of (ecosystem, name, version) keys, and per
// SBOM an Int32Array of key references, in SQLite.
let seed = 42;
const random = (): number => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const storePath = join(benchDir, 'rematch', 'sboms.db');
rmSync(storePath, { force: true });
const store = openKeyValueStore(storePath);
const keyTable = new PackageKeyTable();
let packages = 0;
for (let i = 0; i < count; i += 1) {
  const base = catalogs[i % catalogs.length] as Catalog;
  const keep = 0.7 + random() * 0.3;
  const kept: Package[] = base.packages.filter(() => random() < keep);
  packages += kept.length;
  const keys = keyTable.encode(toMatchInput({ os: base.os, packages: kept }));
  store.put('sbom', String(i), Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength));
}
const avg = Math.round(packages / count);

// The timed part: open the updated database, read every stored SBOM, re-match all of them.
const started = performance.now();
const db = openVulnDb(dbPath);
function* stored(): Generator<{ id: string; keys: Int32Array }> {
  for (let i = 0; i < count; i += 1) {
    const bytes = store.get('sbom', String(i));
    if (!bytes) continue;
    const copy = new Uint8Array(bytes);
    yield { id: String(i), keys: new Int32Array(copy.buffer, 0, copy.byteLength / 4) };
  }
}
const results = rescan(createMatcher(db), keyTable, stored());
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
