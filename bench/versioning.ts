// Micro-benchmark: compares per second for every version scheme, as the matcher's hot loop runs
// them (the same few thousand versions compared over and over, parse results cached), plus the
// cost of a first parse. Usage: npx tsx bench/versioning.ts [--pairs 2000000]
import { versionSchemes } from '../src/versioning/index.js';
import { table } from './lib.js';

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1] ?? fallback) : fallback;
}

/** A deterministic corpus of realistic versions for each scheme (2,000 each). */
function corpus(id: string): string[] {
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const out: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const [a, b, c, r] = [rand(5), rand(30), rand(40), rand(12)];
    const pre = rand(4) === 0;
    switch (id) {
      case 'dpkg':
        out.push(
          `${rand(6) === 0 ? '1:' : ''}${a}.${b}.${c}${pre ? '~rc1' : ''}-${r}${rand(3) === 0 ? '+deb12u1' : ''}`,
        );
        break;
      case 'rpm':
        out.push(
          `${rand(6) === 0 ? '2:' : ''}${a}.${b}.${c}${pre ? '~rc1' : ''}-${r}.el9_${rand(4)}`,
        );
        break;
      case 'apk':
        out.push(`${a}.${b}.${c}${pre ? '_rc1' : ''}-r${r}`);
        break;
      case 'semver':
      case 'go':
        out.push(`${id === 'go' ? 'v' : ''}${a}.${b}.${c}${pre ? '-rc.1' : ''}`);
        break;
      case 'pep440':
        out.push(`${a}.${b}.${c}${pre ? 'rc1' : ''}${rand(8) === 0 ? '.post1' : ''}`);
        break;
      case 'maven':
        out.push(`${a}.${b}.${c}${pre ? '-SNAPSHOT' : rand(5) === 0 ? '.RELEASE' : ''}`);
        break;
      case 'rubygems':
        out.push(`${a}.${b}.${c}${pre ? '.rc1' : ''}`);
        break;
      case 'nuget':
        out.push(`${a}.${b}.${c}${pre ? '-preview.1' : ''}`);
        break;
      default:
        out.push(`${a}.${b}.${c}${pre ? '-RC1' : ''}`);
    }
  }
  return out;
}

const pairs = arg('pairs', 2_000_000);
const rows: (string | number)[][] = [];
let checksum = 0;
for (const scheme of versionSchemes.values()) {
  const versions = corpus(scheme.id);
  const parseStart = process.hrtime.bigint();
  for (const v of versions) scheme.api.parse(v);
  const parseNs = Number(process.hrtime.bigint() - parseStart) / versions.length;

  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < pairs; i++)
    sink += scheme.api.compare(
      versions[i % versions.length]!,
      versions[(i * 7919) % versions.length]!,
    );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  rows.push([
    scheme.id,
    Math.round(pairs / seconds).toLocaleString('en-US'),
    `${(parseNs / 1000).toFixed(2)} µs`,
  ]);
  checksum += sink;
}
process.stdout.write(`${table(['scheme', 'compares/s (cached parse)', 'first parse'], rows)}\n`);
// Printed so the compare loops cannot be optimised away.
process.stdout.write(`checksum ${checksum}\n`);
