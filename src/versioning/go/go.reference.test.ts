import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import {
  disagreements,
  osvVersions,
  pairsFrom,
  picker,
  readOsvArchive,
  referenceAvailable,
  runBatch,
  toOrdering,
  type Picker,
} from '../testing/index.js';
import { api } from './index.js';

/**
 * The reference is golang.org/x/mod itself: the Go toolchain vendors it under
 * GOROOT/src/cmd/vendor, so the test copies it into a temporary module and builds a tiny program
 * that prints semver.Compare, semver.IsValid and module.IsPseudoVersion (no network needed).
 */
function buildReference(dir: string): string {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const xmod = join(goroot, 'src', 'cmd', 'vendor', 'golang.org', 'x', 'mod');
  const root = join(dir, 'xmod');
  for (const part of ['semver', 'module', 'internal'])
    cpSync(join(xmod, part), join(root, part), { recursive: true });
  writeFileSync(join(root, 'go.mod'), 'module golang.org/x/mod\n\ngo 1.17\n');
  mkdirSync(join(root, 'cmd', 'ref'), { recursive: true });
  writeFileSync(
    join(root, 'cmd', 'ref', 'main.go'),
    `package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		f := strings.Split(in.Text(), "\\t")
		if f[0] == "valid" {
			fmt.Fprintln(out, semver.IsValid(f[1]), module.IsPseudoVersion(f[1]))
		} else {
			fmt.Fprintln(out, semver.Compare(f[0], f[1]))
		}
	}
}
`,
  );
  const binary = join(dir, 'ref');
  execFileSync('go', ['build', '-o', binary, './cmd/ref'], {
    cwd: root,
    env: { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOWORK: 'off' },
    stdio: 'ignore',
  });
  return binary;
}

function generated(p: Picker, count: number): string[] {
  const num = (): string => p.pick(['0', '1', '2', '9', '10', '11', '123', String(p.int(1000))]);
  const ident = (): string =>
    p.pick([
      num(),
      'alpha',
      'beta',
      'rc',
      'a',
      'A',
      'Z-9',
      '-',
      '0a',
      'x-y',
      '20200101000000-abcdef123456',
      String(p.int(100)),
    ]);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const shape = p.int(10);
    if (shape === 0) out.push(`v${num()}`);
    else if (shape === 1) out.push(`v${num()}.${num()}`);
    else if (shape === 2)
      out.push(
        `v${num()}.${num()}.${num()}-0.${20000101000000 + p.int(1e9)}-abcdef${p.int(999999)}`,
      );
    else {
      const pre = p.chance(0.6) ? `-${p.join(1 + p.int(3), ident, ['.'])}` : '';
      const build = p.chance(0.2) ? p.pick(['+incompatible', '+build.1', '+0']) : '';
      out.push(`v${num()}.${num()}.${num()}${pre}${build}`);
    }
  }
  return out;
}

const temp = useTempDir();

const haveGo = referenceAvailable('go', ['version']);

describe.skipIf(!haveGo)('go: differential against golang.org/x/mod/semver', () => {
  let binary = '';
  const run = (lines: readonly string[]): string[] => {
    binary ||= buildReference(temp);
    return runBatch(binary, [], lines.join(''));
  };
  /** Validity and pseudo-version detection for every version, then the order of pairs of valid ones. */
  const agreeOn = (versions: readonly string[], seed: number): number => {
    const answers = run(versions.map((v) => `valid\t${v}\n`));
    const ours = new Map(
      versions.map((v) => [
        v,
        `${String(api.isValid(v))} ${String(api.parse(v)?.pseudo ?? false)}`,
      ]),
    );
    expect(
      disagreements(
        versions.map((v) => [v, v] as const),
        (a) => ours.get(a),
        answers,
      ),
    ).toEqual([]);
    const valid = versions.filter((v) => api.isValid(v));
    const pairs = pairsFrom(valid, picker(seed));
    const reference = run(pairs.map(([a, b]) => `${a}\t${b}\n`)).map(toOrdering);
    expect(disagreements(pairs, api.compare, reference)).toEqual([]);
    return valid.length;
  };

  it('agrees on every version in the Go OSV records (with the v Go requires)', async () => {
    const versions = osvVersions(await readOsvArchive('osv-go.tar.gz')).map((v) =>
      v.startsWith('v') ? v : `v${v}`,
    );
    expect(versions.length).toBeGreaterThan(2000);
    // A few real records carry versions Go itself rejects (`19.03.0`); validity must agree too.
    expect(agreeOn(versions, 3)).toBeGreaterThan(2000);
  });

  it('agrees on validity, pseudo-version detection and order of 8,000 generated pairs', () => {
    expect(agreeOn(generated(picker(119), 4000), 120)).toBeGreaterThan(3000);
  });
});
