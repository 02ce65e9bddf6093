import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../testing/index.js';
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

// Debian's python3 with python3-packaging (what .ci/run installs); a PATH python3 may lack it.
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const havePackaging = referenceAvailable(python, [
  '-c',
  'import packaging.version, packaging.specifiers',
]);

const SCRIPT = `
import sys
from packaging.version import Version, InvalidVersion
from packaging.specifiers import SpecifierSet, InvalidSpecifier
out = []
for line in sys.stdin.read().split("\\n"):
    if not line:
        continue
    f = line.split("\\t")
    try:
        if f[0] == "cmp":
            a, b = Version(f[1]), Version(f[2])
            out.append(str((a > b) - (a < b)))
        elif f[0] == "norm":
            out.append(str(Version(f[1])))
        else:
            out.append(str(SpecifierSet(f[1]).contains(Version(f[2]), prereleases=True)).lower())
    except (InvalidVersion, InvalidSpecifier):
        out.append("invalid")
print("\\n".join(out))
`;

function reference(lines: readonly string[]): string[] {
  return runBatch(python, ['-c', SCRIPT], lines.map((l) => `${l}\n`).join(''));
}

function generated(p: Picker, count: number): string[] {
  const num = (): string => p.pick(['0', '1', '2', '10', '01', '007', String(p.int(30))]);
  const sep = (): string => p.pick(['', '.', '-', '_']);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let v =
      p.pick(['', '', '', 'v', 'V']) +
      (p.chance(0.1) ? `${num()}!` : '') +
      p.join(1 + p.int(4), num, ['.']);
    if (p.chance(0.35))
      v +=
        sep() +
        p.pick(['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview', 'RC']) +
        sep() +
        (p.chance(0.8) ? num() : '');
    if (p.chance(0.3))
      v += p.chance(0.3)
        ? `-${num()}`
        : sep() + p.pick(['post', 'rev', 'r']) + sep() + (p.chance(0.8) ? num() : '');
    if (p.chance(0.3)) v += sep() + p.pick(['dev', 'DEV']) + sep() + (p.chance(0.8) ? num() : '');
    if (p.chance(0.2))
      v +=
        '+' +
        p.join(1 + p.int(3), () => p.pick(['ubuntu', '1', '01', 'abc', 'Z', '7']), ['.', '-', '_']);
    if (p.chance(0.05)) v += p.pick(['.', '+', '-', 'x', ' ', '..1']);
    out.push(v);
  }
  return out;
}

/**
 * Specifier sets over generated versions. Two packaging quirks are kept out, and the README says
 * why we follow PEP 440 there: `~=` computes its prefix from the specifier text as written, so an
 * odd spelling (`~=2.2beta.01`) changes its meaning, hence `~=` gets the normalized spelling; and
 * packaging 23 ignores epochs in `==X.*` prefix matching (fixed in later packaging releases),
 * hence no epochs here.
 */
function specifiers(p: Picker, versions: readonly string[], count: number): string[] {
  const out: string[] = [];
  const plain = versions.filter((v) => api.isValid(v) && !v.includes('+'));
  for (let i = 0; i < count; i++) {
    const one = (): string => {
      const op = p.pick(['==', '!=', '<', '<=', '>', '>=', '~=', '==', '!=']);
      const picked = p.pick(plain).trim();
      const v = op === '~=' ? (api.parse(picked)?.normalized ?? picked) : picked;
      if ((op === '==' || op === '!=') && p.chance(0.4))
        return `${op}${v.replace(/^([vV]?(?:\d+!)?\d+(?:\.\d+)*).*$/, '$1')}.*`;
      return `${op}${p.pick(['', ' '])}${v}`;
    };
    out.push(p.join(1 + p.int(2), one, [',', ', ']));
  }
  return out;
}

/** Every version in the PyPI OSV records and the Python package metadata fixtures. */
async function realVersions(): Promise<string[]> {
  const found = osvVersions(await readOsvArchive('osv-pypi-yaml.tar.gz'));
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/^(METADATA|PKG-INFO)$/.test(entry.name))
        for (const m of readFileSync(path, 'utf8').matchAll(/^Version: (?<v>.+)$/gm))
          found.push(m.groups!['v']!.trim());
    }
  };
  walk(sharedFixture('pkgdb', 'python'));
  return [...new Set(found)];
}

describe.skipIf(!havePackaging)('pep440: differential against python packaging', () => {
  const agreeOn = (versions: readonly string[], seed: number): number => {
    const norms = reference(versions.map((v) => `norm\t${v}`));
    expect(
      disagreements(
        versions.map((v) => [v, v] as const),
        (v) => api.parse(v)?.normalized ?? 'invalid',
        norms,
      ),
    ).toEqual([]);
    const valid = versions.filter((v) => api.isValid(v));
    const pairs = pairsFrom(valid, picker(seed));
    const order = reference(pairs.map(([a, b]) => `cmp\t${a}\t${b}`)).map(toOrdering);
    expect(disagreements(pairs, api.compare, order)).toEqual([]);
    return valid.length;
  };

  it('agrees on validity, normalization and order of every real PyPI version', async () => {
    // Some real advisories name versions PEP 440 rejects; validity must agree on those too.
    expect(agreeOn(await realVersions(), 5)).toBeGreaterThan(5000);
  });

  it('agrees on 5,000 generated versions (separators, spellings, case, epochs, locals) and their pairs', () => {
    expect(agreeOn(generated(picker(440), 5000), 441)).toBeGreaterThan(3000);
  });

  it('agrees with SpecifierSet.contains(v, prereleases=True) on 4,000 generated specifier checks', () => {
    const p = picker(442);
    const versions = generated(p, 2000).filter((v) => api.isValid(v) && !v.includes('!'));
    const specs = specifiers(p, versions, 4000);
    const cases = specs.map((s) => [s, p.pick(versions)] as const);
    const answers = reference(cases.map(([s, v]) => `spec\t${s}\t${v}`));
    const ours = (s: string, v: string): string =>
      api.isValidConstraint(s) ? String(api.matches(v, s)) : 'invalid';
    expect(disagreements(cases, ours, answers)).toEqual([]);
  });
});
