// Benchmark: the `lockyard server` registry against CNCF Distribution 2.8 (Debian's
// docker-registry), same machine, same run, one registry under load at a time.
//   push + pull wall time of a real image (Debian minbase, ~95 MB layer) with skopeo
//   blob GET throughput (4 connections) and manifest GET requests/s + p99 (64 connections) with wrk
//   server RSS while a 2 GiB blob streams in
// Usage: bash bench/build-images.sh && npx tsx bench/registry.ts [--runs 3] [--seconds 10] [--big-mib 2048] [--with-scanning]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { benchDir, median, table } from './lib.js';
import { patternDigest, uploadLargeBlob, type UploadRss } from './registry/big-upload.js';
import { startDistribution, startLockyard, type RunningRegistry } from './registry/peers.js';
import { wrk, type WrkResult } from './registry/wrk.js';

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const runs = Number(arg('runs', '3'));
const seconds = Number(arg('seconds', '10'));
const bigMib = Number(arg('big-mib', '2048'));
const withScanning = process.argv.includes('--with-scanning');
const image = join(benchDir, 'images', 'debian-minbase-oci');
if (!existsSync(join(image, 'index.json')))
  throw new Error(`missing ${image}: run bash bench/build-images.sh first`);
mkdirSync(benchDir, { recursive: true });
const scratch = mkdtempSync(join(benchDir, 'registry-'));
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

type Kind = RunningRegistry['name'];
const starters: Record<Kind, (dir: string) => Promise<RunningRegistry>> = {
  lockyard: (dir) => startLockyard(dir, { scanning: withScanning }),
  distribution: startDistribution,
};

function timed(command: string, args: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(command, [...args], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  return (performance.now() - started) / 1000;
}

/** The image's largest layer: what the blob GET throughput reads. */
function largestLayer(): { digest: string; size: number } {
  const index = JSON.parse(readFileSync(join(image, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  const manifestDigest = index.manifests[0]?.digest ?? '';
  const manifest = JSON.parse(
    readFileSync(join(image, 'blobs', 'sha256', manifestDigest.slice(7)), 'utf8'),
  ) as { layers: { digest: string; size: number }[] };
  return [...manifest.layers].sort((a, b) => b.size - a.size)[0] ?? { digest: '', size: 0 };
}

interface Numbers {
  push: number[];
  pull: number[];
  blob: WrkResult[];
  manifest: WrkResult[];
  upload?: UploadRss;
}

const KINDS = ['distribution', 'lockyard'] as const;
const results: Record<Kind, Numbers> = {
  distribution: { push: [], pull: [], blob: [], manifest: [] },
  lockyard: { push: [], pull: [], blob: [], manifest: [] },
};

/**
 * Flushes dirty pages first: Distribution never fsyncs, so after its turn the kernel is still
 * writing its data back, and whoever goes next would pay for it.
 */
function settleDisk(): void {
  spawnSync('sync');
}

async function pushPull(kind: Kind, run: number): Promise<RunningRegistry> {
  // A fresh registry per run, so every push uploads every blob (nothing to dedup or mount).
  const dir = join(scratch, `${kind}-${run}`);
  const registry = await starters[kind](dir);
  settleDisk();
  results[kind].push.push(
    timed('skopeo', [
      'copy',
      '--quiet',
      '--dest-tls-verify=false',
      `oci:${image}:minbase`,
      `docker://${registry.host}/bench/minbase:v1`,
    ]),
  );
  const out = join(dir, 'pulled');
  results[kind].pull.push(
    timed('skopeo', [
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      `docker://${registry.host}/bench/minbase:v1`,
      `oci:${out}:v1`,
    ]),
  );
  rmSync(out, { recursive: true, force: true });
  return registry;
}

const bigDigest = patternDigest(bigMib);
const layer = largestLayer();
// The machine may be shared: runs alternate between the registries (and which goes first), so
// background load hits both alike; medians are reported.
const live: Partial<Record<Kind, RunningRegistry>> = {};
for (let run = 0; run < runs; run += 1) {
  for (const kind of run % 2 === 0 ? KINDS : [...KINDS].reverse()) {
    process.stderr.write(`push/pull run ${run + 1}: ${kind}\n`);
    const registry = await pushPull(kind, run);
    if (run === runs - 1) live[kind] = registry;
    else await registry.stop();
  }
}
for (let round = 0; round < runs; round += 1) {
  for (const kind of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
    const registry = live[kind];
    if (!registry) throw new Error(`${kind} is not running`);
    process.stderr.write(`wrk round ${round + 1}: ${kind}\n`);
    const blobUrl = `${registry.url}/v2/bench/minbase/blobs/${layer.digest}`;
    const manifestUrl = `${registry.url}/v2/bench/minbase/manifests/v1`;
    if (round === 0) {
      wrk(blobUrl, { connections: 4, threads: 2, seconds: 2 });
      wrk(manifestUrl, {
        connections: 64,
        threads: 2,
        seconds: 2,
        headers: { Accept: OCI_MANIFEST },
      });
    }
    results[kind].blob.push(wrk(blobUrl, { connections: 4, threads: 2, seconds }));
    results[kind].manifest.push(
      wrk(manifestUrl, { connections: 64, threads: 2, seconds, headers: { Accept: OCI_MANIFEST } }),
    );
  }
}
// Three uploads each, alternating; the time is the median, the RSS the highest seen.
const uploads: Record<Kind, UploadRss[]> = { distribution: [], lockyard: [] };
for (let round = 0; round < 3; round += 1) {
  for (const kind of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
    const registry = live[kind];
    if (!registry) continue;
    process.stderr.write(`${bigMib} MiB upload ${round + 1}: ${kind}\n`);
    settleDisk();
    uploads[kind].push(
      await uploadLargeBlob(registry.url, `bench/big${round}`, bigMib, bigDigest, registry.pid),
    );
  }
}
for (const kind of KINDS) {
  const samples = uploads[kind];
  results[kind].upload = {
    seconds: median(samples.map((sample) => sample.seconds)),
    rssBeforeMb: Math.min(...samples.map((sample) => sample.rssBeforeMb)),
    rssPeakMb: Math.max(...samples.map((sample) => sample.rssPeakMb)),
    rssAfterMb: Math.max(...samples.map((sample) => sample.rssAfterMb)),
  };
  await live[kind]?.stop();
}
rmSync(scratch, { recursive: true, force: true });

const pick = (values: readonly WrkResult[], field: keyof WrkResult): number =>
  median(values.map((value) => value[field]));
const lk = results.lockyard;
const ds = results.distribution;
if (!lk.upload || !ds.upload) throw new Error('incomplete results');
const f = (value: number, digits = 1): string => value.toFixed(digits);
const ratio = (ours: number, theirs: number): string => `${f(ours / theirs, 2)}×`;
const rows: (string | number)[][] = [
  [
    'skopeo push, median s',
    f(median(ds.push), 2),
    f(median(lk.push), 2),
    ratio(median(lk.push), median(ds.push)),
    '≤ 1.0×',
  ],
  [
    'skopeo pull, median s',
    f(median(ds.pull), 2),
    f(median(lk.pull), 2),
    ratio(median(lk.pull), median(ds.pull)),
    '≤ 1.0×',
  ],
  [
    'blob GET MB/s (4 conns)',
    f(pick(ds.blob, 'bytesPerSecond') / 1e6),
    f(pick(lk.blob, 'bytesPerSecond') / 1e6),
    ratio(pick(lk.blob, 'bytesPerSecond'), pick(ds.blob, 'bytesPerSecond')),
    '≥ 1.0×',
  ],
  [
    'manifest GET req/s (64 conns)',
    f(pick(ds.manifest, 'requestsPerSecond'), 0),
    f(pick(lk.manifest, 'requestsPerSecond'), 0),
    ratio(pick(lk.manifest, 'requestsPerSecond'), pick(ds.manifest, 'requestsPerSecond')),
    '≥ 5×',
  ],
  [
    'manifest GET p99 ms',
    f(pick(ds.manifest, 'p99Ms'), 2),
    f(pick(lk.manifest, 'p99Ms'), 2),
    ratio(pick(lk.manifest, 'p99Ms'), pick(ds.manifest, 'p99Ms')),
    '≤ 0.2×',
  ],
  [
    `${bigMib} MiB upload, median of 3, s`,
    f(ds.upload.seconds, 1),
    f(lk.upload.seconds, 1),
    ratio(lk.upload.seconds, ds.upload.seconds),
    '',
  ],
  [
    `RSS lowest before → highest during uploads MB`,
    `${f(ds.upload.rssBeforeMb, 0)} → ${f(ds.upload.rssPeakMb, 0)}`,
    `${f(lk.upload.rssBeforeMb, 0)} → ${f(lk.upload.rssPeakMb, 0)}`,
    '',
    'flat',
  ],
];
const report = [
  `registry benchmark: ${runs} push/pull runs and ${runs} wrk rounds of ${seconds} s (medians), scan on push ${withScanning ? 'on' : 'off'}, image ${image} (largest layer ${f(layer.size / 1e6)} MB)`,
  '',
  table(['measure', 'Distribution 2.8', 'Lockyard', 'ratio', 'target'], rows),
  '',
  `non-2xx responses: distribution ${pick(ds.manifest, 'non2xx') + pick(ds.blob, 'non2xx')}, lockyard ${pick(lk.manifest, 'non2xx') + pick(lk.blob, 'non2xx')}; load average at the end ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}`,
].join('\n');
mkdirSync(join(benchDir, 'results'), { recursive: true });
writeFileSync(join(benchDir, 'results', 'registry.json'), JSON.stringify(results, null, 2));
process.stdout.write(`${report}\n`);
