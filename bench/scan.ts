// Benchmark: a full `lockyard scan` (catalog + match + report) against Trivy's SBOM-only time
// (Trivy cannot scan for vulnerabilities offline: it has no database here), plus per-stage times
// of our scan measured in-process.
// Usage: bash bench/build-images.sh && npx tsx bench/rematch.ts --sboms 10 && npx tsx bench/scan.ts [--runs 3]
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMatcher } from '../src/match/index.js';
import { reportFormats } from '../src/report/index.js';
import { catalogImage } from '../src/catalog/index.js';
import { runScan } from '../src/scan/index.js';
import { openVulnDb } from '../src/vulndb/index.js';
import { benchDir, measure, median, repo, table, trivyBinary } from './lib.js';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const runs = Number(arg('runs', '3'));
const db = arg('db', join(benchDir, 'rematch', 'vuln.db'));
if (!existsSync(db))
  throw new Error(
    `no database at ${db}: run npx tsx bench/rematch.ts --sboms 10 first (it builds one from every fixture feed)`,
  );
const images: Record<string, string> = {
  minbase: join(benchDir, 'images', 'debian-minbase.tar'),
  large: join(benchDir, 'images', 'large.tar'),
};
const trivy = trivyBinary();
const lockyard = join(repo, 'bin', 'lockyard.js');
const rows: (string | number)[][] = [];
const stages: (string | number)[][] = [];

for (const [name, image] of Object.entries(images)) {
  if (!existsSync(image)) continue;
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const state = mkdtempSync(join(benchDir, 'scan-state-'));
    ours.push(
      measure(lockyard, [
        'scan',
        image,
        '--db',
        db,
        '--data-dir',
        state,
        '-f',
        'json',
        '-o',
        join(state, 'out.json'),
        '--quiet',
      ]).seconds,
    );
    theirs.push(
      measure(trivy, [
        'image',
        '--input',
        image,
        '--format',
        'cyclonedx',
        '--offline-scan',
        '--cache-dir',
        join(state, 'trivy'),
        '-q',
        '-o',
        join(state, 'trivy.json'),
      ]).seconds,
    );
    rmSync(state, { recursive: true, force: true });
  }
  const a = median(ours);
  const b = median(theirs);
  rows.push([name, a.toFixed(2), b.toFixed(2), (a / b).toFixed(3)]);

  // Per stage, in-process, cold cache.
  const state = mkdtempSync(join(benchDir, 'scan-stage-'));
  let t = performance.now();
  const catalog = await catalogImage(image, { dataDir: state });
  const catalogMs = performance.now() - t;
  t = performance.now();
  const vulnDb = openVulnDb(db);
  const result = createMatcher(vulnDb).match(catalog);
  const matchMs = performance.now() - t;
  vulnDb.close();
  t = performance.now();
  const report = await runScan(image, {
    dataDir: state,
    dbPath: db,
    scanners: ['vuln'],
    maxDbAgeMs: 1e15,
    maxImageAgeDays: 365,
  });
  const warmScanMs = performance.now() - t;
  t = performance.now();
  reportFormats
    .get('json')
    ?.renderScan?.(report, { toolName: 'lockyard', toolVersion: 'bench', now: new Date() });
  const renderMs = performance.now() - t;
  stages.push([
    name,
    catalog.packages.length,
    result.findings.length,
    catalogMs.toFixed(0),
    matchMs.toFixed(0),
    renderMs.toFixed(0),
    warmScanMs.toFixed(0),
  ]);
  rmSync(state, { recursive: true, force: true });
}

const out = [
  `## Scan: Lockyard full scan vs Trivy SBOM-only (${new Date().toISOString().slice(0, 10)}, median of ${runs})`,
  '',
  table(['image', 'lockyard scan s', 'trivy sbom s', 'ratio'], rows),
  '',
  'Per stage (in-process, ms): catalog cold, match, JSON render; and a whole warm scan (cached layers).',
  '',
  table(['image', 'packages', 'findings', 'catalog', 'match', 'render', 'warm scan'], stages),
].join('\n');
mkdirSync(join(benchDir, 'results'), { recursive: true });
writeFileSync(join(benchDir, 'results', 'scan.md'), out);
console.log(out);
