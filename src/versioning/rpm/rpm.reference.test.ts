import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFixture, useTempDir } from '../../testing/index.js';
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

/** Every EVR in the real rpm databases of the shared fixtures that this rpm can read. */
function realVersions(): string[] {
  const dbDirs = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === 'Packages' || name === 'rpmdb.sqlite') dbDirs.add(dirname(path));
    }
  };
  walk(sharedFixture('pkgdb', 'rpm'));
  const found: string[] = [];
  for (const dir of dbDirs) {
    const result = spawnSync(
      'rpm',
      ['-qa', '--dbpath', dir, '--qf', '%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n'],
      { encoding: 'utf8' },
    );
    found.push(...result.stdout.split('\n').filter((l) => l.length > 0));
  }
  return unique(found);
}

function generated(p: Picker, count: number): string[] {
  const piece = (): string =>
    p.pick([
      String(p.int(12)),
      '0' + String(p.int(10)),
      p.pick(['a', 'b', 'rc', 'el', 'fc', 'git', 'Z', 'p']),
      String(p.int(100000)),
    ]);
  const part = (): string =>
    p.join(1 + p.int(4), piece, ['.', '', '_', '+', '~', '^', '.', '..', '%']);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const epoch = p.chance(0.2) ? `${p.int(3)}:` : '';
    const version = p.pick(['', '~', '^', '.']).slice(0, p.chance(0.1) ? 1 : 0) + part();
    const release = p.chance(0.6) ? `-${part()}` : '';
    out.push(epoch + version + release);
  }
  return out.filter((v) => api.isValid(v));
}

const haveRpm = referenceAvailable('rpm', ['--version']);
const temp = useTempDir();

/** One rpm process: a Lua script calls rpm.vercmp (EVR-aware in rpm 4.18) for every pair. */
function rpmCompare(pairs: readonly (readonly [string, string])[]): (-1 | 0 | 1)[] {
  const input = join(temp, 'pairs.txt');
  const script = join(temp, 'compare.lua');
  writeFileSync(input, pairs.map(([a, b]) => `${a}\t${b}\n`).join(''));
  writeFileSync(
    script,
    `for line in io.lines(${JSON.stringify(input)}) do local a, b = line:match("^(.-)\\t(.*)$"); io.write(rpm.vercmp(a, b), "\\n") end\n`,
  );
  return runBatch('rpm', ['--eval', `%{lua: dofile(${JSON.stringify(script)})}`], '').map(
    toOrdering,
  );
}

describe.skipIf(!haveRpm)('rpm: differential against rpm 4.18 rpm.vercmp', () => {
  it('agrees on the real EVRs of the fixture rpm databases', () => {
    const versions = realVersions();
    expect(versions.length).toBeGreaterThan(250);
    for (const v of versions) expect(api.isValid(v), v).toBe(true);
    const pairs = pairsFrom(versions, picker(2));
    expect(disagreements(pairs, api.compare, rpmCompare(pairs))).toEqual([]);
  });

  it('agrees on 6,000 generated pairs with ~, ^, separators, epochs and releases', () => {
    const p = picker(4180);
    const versions = generated(p, 3000);
    const pairs = pairsFrom(versions, p);
    expect(disagreements(pairs, api.compare, rpmCompare(pairs))).toEqual([]);
  });
});
