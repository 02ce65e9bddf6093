import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../testing/index.js';
import {
  disagreements,
  pairsFrom,
  picker,
  referenceAvailable,
  runBatch,
  toOrdering,
  unique,
  type Picker,
} from '../testing/index.js';
import { api } from './index.js';

/** Every Version: field in the real dpkg status files of the shared fixtures. */
function realVersions(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.endsWith('.gz'))
        for (const m of readFileSync(path, 'latin1').matchAll(/^Version: (?<v>\S+)$/gm))
          found.push(m.groups!['v']!);
    }
  };
  walk(sharedFixture('pkgdb', 'dpkg'));
  return unique(found);
}

/** Versions from dpkg's grammar, biased to the tricky parts: `~`, `+`, letters, zeros, epochs. */
function generated(p: Picker, count: number): string[] {
  const piece = (): string =>
    p.pick([
      String(p.int(12)),
      '0' + String(p.int(10)),
      p.pick(['a', 'b', 'rc', 'Z', 'dfsg', 'git', '_', '#']),
      String(p.int(100000)),
      // Letters and digits interleaved: each switch starts a new run in verrevcmp.
      `${p.pick(['a', 'b', 'z', 'A'])}${p.int(20)}${p.pick(['', 'b', 'c'])}${p.int(3)}`,
      `${p.int(9)}${p.pick(['a', 'p', 'x'])}${p.int(9)}`,
    ]);
  const part = (seps: readonly string[]): string => p.join(1 + p.int(4), piece, seps);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const epoch = p.chance(0.25) ? `${p.pick(['0', '1', '2', '10', '00'])}:` : '';
    let upstream =
      (p.chance(0.9) ? String(p.int(10)) : 'a') +
      p.pick(['.', '', '~', '+', '~~']) +
      part(['.', '~', '+', '', '.', '~~', '+~']);
    if (epoch && p.chance(0.2)) upstream += ':' + piece();
    // No revision at all, the empty-equivalent `-0`, or a real one (Ubuntu/backport/binNMU style).
    const revision = p.pick([
      '',
      '',
      '-0',
      '-' + part(['.', '~', '+', '']),
      `-${p.int(5)}+b${1 + p.int(3)}`,
      `-${p.int(5)}ubuntu${p.int(3)}~${p.int(24)}.04.${p.int(3)}`,
      `-${p.int(5)}~bpo${p.int(13)}+${p.int(3)}`,
    ]);
    if (revision && p.chance(0.2)) upstream += '-' + piece();
    out.push(epoch + upstream + revision);
  }
  return out;
}

/** A near neighbour of a version: where orderings are decided by one character. */
function mutate(p: Picker, v: string): string {
  switch (p.int(8)) {
    case 0:
      return v + '~';
    case 1:
      return v + '+';
    case 2:
      return v + p.pick(['a', '0', '.0', '~~']);
    case 3:
      return v.includes('-') ? v.slice(0, v.lastIndexOf('-')) : v + '-0';
    case 4:
      return v.includes(':') ? v.slice(v.indexOf(':') + 1) : `0:${v}`;
    case 5:
      return v.replace(/\d+/, (d) =>
        String(Number(d) + p.pick([-1, 0, 1]) < 0 ? 0 : Number(d) + 1),
      );
    case 6:
      return v.replace(/~/, '+');
    default:
      return v.replace(/(?<zero>^|[^\d])(?<digit>\d)/, '$<zero>0$<digit>');
  }
}

const haveDpkg = referenceAvailable('dpkg', ['--version']);

/**
 * Runs a comparison script over the pairs in one shell per core (so thousands of pairs cost
 * seconds). Each line carries our answer as the operator to check (`lt`/`eq`/`gt`): when dpkg
 * confirms it, that is dpkg's ordering with one call; otherwise the script asks the full
 * three-way question, so a disagreement shows dpkg's own answer.
 */
async function dpkgCompare(pairs: readonly (readonly [string, string])[]): Promise<(-1 | 0 | 1)[]> {
  const script = [
    'while read -r op a b; do',
    '  if dpkg --compare-versions "$a" "$op" "$b" 2>/dev/null; then',
    '    case "$op" in lt) echo -1;; eq) echo 0;; *) echo 1;; esac',
    '  elif dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo -1',
    '  elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0',
    '  else echo 1; fi',
    'done',
  ].join('\n');
  const ops = { [-1]: 'lt', 0: 'eq', 1: 'gt' } as const;
  const lines = pairs.map(([a, b]) => `${ops[api.compare(a, b)]} ${a} ${b}\n`);
  const shells = Math.max(1, Math.min(4, availableParallelism()));
  const size = Math.ceil(lines.length / shells);
  const chunks = Array.from({ length: shells }, (_, i) => lines.slice(i * size, (i + 1) * size));
  const answers = await Promise.all(chunks.map((chunk) => runShell(script, chunk.join(''))));
  return answers.flat().map(toOrdering);
}

function runShell(script: string, input: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(out.split('\n').filter(Boolean));
      else reject(new Error(`sh exited ${String(code)}`));
    });
    child.stdin.end(input);
  });
}

describe.skipIf(!haveDpkg)('dpkg: differential against dpkg --compare-versions', () => {
  it('agrees on every real version from the fixtures against its neighbours', async () => {
    const versions = realVersions();
    expect(versions.length).toBeGreaterThan(400);
    for (const v of versions) expect(api.isValid(v), v).toBe(true);
    const pairs = pairsFrom(versions, picker(1));
    expect(disagreements(pairs, api.compare, await dpkgCompare(pairs))).toEqual([]);
  });

  it('agrees on 6,600 generated pairs: epochs, ~, +, letter/digit runs, absent and -0 revisions', async () => {
    const p = picker(20240601);
    const versions = generated(p, 2200);
    for (const v of versions) expect(api.isValid(v), v).toBe(true);
    const pairs = [
      ...pairsFrom(versions, p),
      ...versions.map((v): [string, string] => [v, mutate(p, v)]),
    ];
    const valid = pairs.filter(([a, b]) => api.isValid(a) && api.isValid(b));
    expect(valid.length).toBeGreaterThanOrEqual(6000);
    // Every kind of case the grammar allows is really in the sample, not just possible.
    const all = valid.flat();
    for (const feature of [/^\d+:/, /~/, /\+/, /[a-z]\d+[a-z]/i, /\d[a-z]\d/i, /-0$/, /^[^-]+$/])
      expect(all.filter((v) => feature.test(v)).length, String(feature)).toBeGreaterThan(100);
    const reference = await dpkgCompare(valid);
    expect(disagreements(valid, api.compare, reference)).toEqual([]);
    // Near pairs: the sample holds equal ones and both orderings, not only wide gaps.
    for (const ordering of [-1, 0, 1])
      expect(reference.filter((o) => o === ordering).length).toBeGreaterThan(50);
  }, 60_000);

  it('rejects what dpkg rejects as an error, and accepts what it only warns about', () => {
    // (dpkg reads an empty argument as "no version"; we reject it, see the contract table.)
    const errors = ['1:', ':1', 'a:1', '1.0-', '1.0-1:2', '99999999999:1', '1 0'];
    const warnings = ['1.0_1', '1.0-1_2', 'a1', '1:5.#', '1.0/2'];
    const script =
      'for v in "$@"; do if dpkg --compare-versions "$v" eq "$v" 2>/dev/null; then echo ok; else echo error; fi; done';
    const answers = runBatch('sh', ['-c', script, 'sh', ...errors, ...warnings], '');
    expect(answers).toEqual([...errors.map(() => 'error'), ...warnings.map(() => 'ok')]);
    for (const v of errors) expect(api.isValid(v), v).toBe(false);
    for (const v of warnings) expect(api.isValid(v), v).toBe(true);
  });
});
