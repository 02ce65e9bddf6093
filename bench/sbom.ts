// Benchmark: `lockyard sbom` against Trivy (offline CycloneDX mode) on real images, cold and warm.
// Usage: bash bench/build-images.sh && npx tsx bench/sbom.ts [--runs 3] [--images minbase,minbase-oci,large,large-oci,minbase-data,minbase-zstd,minbase-files,minbase-node,minbase-fatjar]
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  benchDir,
  measure,
  median,
  repo,
  seedEmptyTrivyJavaDb,
  table,
  trivyBinary,
  type Measured,
} from './lib.js';

const IMAGES: Readonly<Record<string, string>> = {
  minbase: join(benchDir, 'images', 'debian-minbase.tar'),
  'minbase-oci': join(benchDir, 'images', 'debian-minbase-oci'),
  large: join(benchDir, 'images', 'large.tar'),
  // The same image as an OCI layout with gzip layers, as a registry would serve it.
  'large-oci': join(benchDir, 'images', 'large-oci'),
  'minbase-data': join(benchDir, 'images', 'minbase-data.tar'),
  'minbase-zstd': join(benchDir, 'images', 'debian-minbase-zstd'),
  'minbase-files': join(benchDir, 'images', 'minbase-files.tar'),
  'minbase-node': join(benchDir, 'images', 'minbase-node'),
  'minbase-fatjar': join(benchDir, 'images', 'minbase-fatjar.tar'),
};

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const runs = Number(arg('runs', '3'));
const selected = arg('images', Object.keys(IMAGES).join(',')).split(',');
const trivy = trivyBinary();
const lockyard = join(repo, 'bin', 'lockyard.js');
const scratch = mkdtempSync(join(benchDir, 'run-'));

interface Result {
  cold: Measured;
  warm: Measured;
  purls: Set<string>;
}

function purlsOf(file: string): Set<string> {
  const bom = JSON.parse(readFileSync(file, 'utf8')) as {
    components?: { purl?: string; type?: string }[];
  };
  // Compare identity only (type/namespace/name@version): qualifier spelling differs between tools,
  // and Trivy moves a deb's epoch from the version into a qualifier (we keep dpkg's full version).
  return new Set(
    (bom.components ?? []).flatMap((c) =>
      c.purl
        ? [decodeURIComponent(c.purl.split('?')[0] ?? '').replace(/^(pkg:deb\/[^@]+@)\d+:/, '$1')]
        : [],
    ),
  );
}

function runTool(kind: 'lockyard' | 'trivy', image: string): Result {
  const colds: Measured[] = [];
  const warms: Measured[] = [];
  const out = join(scratch, `${kind}.cdx.json`);
  for (let i = 0; i < runs; i += 1) {
    const state = mkdtempSync(join(scratch, `${kind}-state-`));
    if (kind === 'trivy') seedEmptyTrivyJavaDb(state);
    const args =
      kind === 'lockyard'
        ? ['sbom', image, '-f', 'cyclonedx', '-o', out, '--data-dir', state, '--quiet']
        : [
            'image',
            '--input',
            image,
            '--format',
            'cyclonedx',
            '--offline-scan',
            // Trivy looks jars up in a Java DB it downloads; offline it gets an empty one.
            '--skip-java-db-update',
            '--cache-dir',
            state,
            '-q',
            '-o',
            out,
          ];
    // The CLI is run as users run it: the executable itself, whose shebang sets Node's flags.
    const command = kind === 'lockyard' ? lockyard : trivy;
    colds.push(measure(command, args));
    warms.push(measure(command, args));
    rmSync(state, { recursive: true, force: true });
  }
  const pick = (list: Measured[]): Measured => ({
    seconds: median(list.map((m) => m.seconds)),
    maxRssMb: median(list.map((m) => m.maxRssMb)),
  });
  return { cold: pick(colds), warm: pick(warms), purls: purlsOf(out) };
}

const rows: (string | number)[][] = [];
const parity: string[] = [];
for (const name of selected) {
  const image = IMAGES[name];
  if (!image || !existsSync(image)) {
    console.error(`skipping ${name}: ${image ?? '?'} missing (run bash bench/build-images.sh)`);
    continue;
  }
  const ours = runTool('lockyard', image);
  const theirs = runTool('trivy', image);
  const ratio = (a: number, b: number): string => (a / b).toFixed(3);
  rows.push([
    name,
    `${ours.cold.seconds.toFixed(2)} / ${theirs.cold.seconds.toFixed(2)}`,
    ratio(ours.cold.seconds, theirs.cold.seconds),
    `${ours.warm.seconds.toFixed(2)} / ${theirs.warm.seconds.toFixed(2)}`,
    ratio(ours.warm.seconds, theirs.warm.seconds),
    `${ours.cold.maxRssMb.toFixed(0)} / ${theirs.cold.maxRssMb.toFixed(0)}`,
    ratio(ours.cold.maxRssMb, theirs.cold.maxRssMb),
    `${ours.purls.size} / ${theirs.purls.size}`,
  ]);
  const onlyTrivy = [...theirs.purls].filter((p) => !ours.purls.has(p)).sort();
  const onlyOurs = [...ours.purls].filter((p) => !theirs.purls.has(p)).sort();
  parity.push(
    `### ${name}\n\nboth: ${[...ours.purls].filter((p) => theirs.purls.has(p)).length}, only Trivy: ${onlyTrivy.length}, only Lockyard: ${onlyOurs.length}\n\n` +
      (onlyTrivy.length
        ? `Only Trivy:\n${onlyTrivy
            .slice(0, 50)
            .map((p) => `- \`${p}\``)
            .join('\n')}\n\n`
        : '') +
      (onlyOurs.length
        ? `Only Lockyard:\n${onlyOurs
            .slice(0, 50)
            .map((p) => `- \`${p}\``)
            .join('\n')}\n`
        : ''),
  );
}

const report = [
  `## SBOM: Lockyard vs Trivy (${new Date().toISOString().slice(0, 10)}, median of ${runs} runs)`,
  '',
  table(
    [
      'image',
      'cold s (ours / trivy)',
      'cold ratio',
      'warm s',
      'warm ratio',
      'peak RSS MB (cold)',
      'RSS ratio',
      'packages',
    ],
    rows,
  ),
  '',
  ...parity,
].join('\n');
mkdirSync(join(benchDir, 'results'), { recursive: true });
writeFileSync(join(benchDir, 'results', 'sbom.md'), report);
console.log(report);
rmSync(scratch, { recursive: true, force: true });
