import { readFileSync, readdirSync, statSync } from 'node:fs';
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
    ]);
  const part = (seps: readonly string[]): string => p.join(1 + p.int(4), piece, seps);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const epoch = p.chance(0.2) ? `${p.int(3)}:` : '';
    let upstream =
      (p.chance(0.9) ? String(p.int(10)) : 'a') +
      p.pick(['.', '', '~', '+']) +
      part(['.', '~', '+', '', '.', '~~']);
    if (epoch && p.chance(0.2)) upstream += ':' + piece();
    const revision = p.chance(0.6) ? '-' + part(['.', '~', '+', '']) : '';
    if (revision && p.chance(0.2)) upstream += '-' + piece();
    out.push(epoch + upstream + revision);
  }
  return out;
}

const haveDpkg = referenceAvailable('dpkg', ['--version']);

/** One shell process runs every comparison, so thousands of pairs cost seconds, not minutes. */
function dpkgCompare(pairs: readonly (readonly [string, string])[]): (-1 | 0 | 1)[] {
  const script =
    'while read -r a b; do if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo -1; elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo 0; else echo 1; fi; done';
  return runBatch('sh', ['-c', script], pairs.map(([a, b]) => `${a} ${b}\n`).join('')).map(
    toOrdering,
  );
}

describe.skipIf(!haveDpkg)('dpkg: differential against dpkg --compare-versions', () => {
  it('agrees on every real version from the fixtures against its neighbours', () => {
    const versions = realVersions();
    expect(versions.length).toBeGreaterThan(400);
    for (const v of versions) expect(api.isValid(v), v).toBe(true);
    const pairs = pairsFrom(versions, picker(1));
    expect(disagreements(pairs, api.compare, dpkgCompare(pairs))).toEqual([]);
  });

  it('agrees on 1,500 generated pairs with ~, +, epochs, letters and leading zeros', () => {
    const p = picker(20240601);
    const versions = generated(p, 750);
    for (const v of versions) expect(api.isValid(v), v).toBe(true);
    const pairs = pairsFrom(versions, p);
    expect(disagreements(pairs, api.compare, dpkgCompare(pairs))).toEqual([]);
  });

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
