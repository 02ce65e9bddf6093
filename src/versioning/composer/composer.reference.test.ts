import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  type Picker,
} from '../testing/index.js';
import { api } from './index.js';

// Debian ships composer/semver itself (php-composer-semver) and PHP (php-cli).
const AUTOLOAD = '/usr/share/php/Composer/Semver/autoload.php';
const havePhp = referenceAvailable('php', ['-r', `require '${AUTOLOAD}';`]) && existsSync(AUTOLOAD);

const SCRIPT = `
require '${AUTOLOAD}';
use Composer\\Semver\\VersionParser;
use Composer\\Semver\\Constraint\\Constraint;
$p = new VersionParser();
$out = [];
foreach (explode("\\n", stream_get_contents(STDIN)) as $line) {
  if ($line === '') continue;
  $f = explode("\\t", $line);
  try {
    if ($f[0] === 'norm') { $out[] = $p->normalize($f[1]); }
    elseif ($f[0] === 'cmp') { $out[] = (string) version_compare($p->normalize($f[1]), $p->normalize($f[2])); }
    else { $out[] = $p->parseConstraints($f[1])->matches(new Constraint('==', $p->normalize($f[2]))) ? 'true' : 'false'; }
  } catch (\\UnexpectedValueException $e) { $out[] = 'invalid'; }
}
echo implode("\\n", $out), "\\n";
`;

function reference(lines: readonly string[]): string[] {
  return runBatch('php', ['-r', SCRIPT], lines.map((l) => `${l}\n`).join(''));
}

function generated(p: Picker, count: number): string[] {
  const num = (): string => p.pick(['0', '1', '2', '10', '01', '5', String(p.int(40))]);
  const stability = (): string =>
    p.pick(['alpha', 'a', 'beta', 'b', 'RC', 'rc', 'patch', 'pl', 'p', 'stable', 'dev', 'Beta']) +
    p.pick(['', num(), `.${num()}`, `-${num()}`]);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const shape = p.int(12);
    if (shape === 0)
      out.push(p.pick(['dev-main', 'dev-master', 'master', 'dev-feature/x', 'trunk', 'dev-1.x']));
    else if (shape === 1)
      out.push(`${p.pick(['', 'v'])}${num()}${p.pick(['', `.${num()}`])}.x-dev`);
    else if (shape === 2)
      out.push(
        `20${10 + p.int(15)}${p.pick(['', '.', '-'])}0${1 + p.int(9)}${p.pick(['', '.', '-'])}1${p.int(9)}`,
      );
    else {
      let v = p.pick(['', '', 'v']) + p.join(1 + p.int(4), num, ['.']);
      if (p.chance(0.4)) v += p.pick(['', '-', '.', '_']) + stability();
      if (p.chance(0.15)) v += p.pick(['-dev', '.dev', 'dev']);
      if (p.chance(0.1)) v += '+build.1';
      if (p.chance(0.05)) v += p.pick(['-meh', '.x', ' ', '..']);
      out.push(v);
    }
  }
  return out;
}

function constraints(p: Picker, versions: readonly string[], count: number): string[] {
  const plain = versions.filter((v) => api.isValid(v) && /^v?\d+(?:\.\d+){0,2}$/.test(v));
  const any = versions.filter((v) => api.isValid(v) && !v.includes(' '));
  const one = (): string => {
    const kind = p.int(8);
    if (kind === 0) return `^${p.pick(plain)}`;
    if (kind === 1) return `~${p.pick(plain)}`;
    if (kind === 2)
      return `${p
        .pick(plain)
        .replace(/^v/, '')
        .split('.')
        .slice(0, 1 + p.int(2))
        .join('.')}.*`;
    if (kind === 3) return `${p.pick(plain)} - ${p.pick(plain)}`;
    return `${p.pick(['', '=', '==', '!=', '<>', '<', '<=', '>', '>='])}${p.pick(['', ' '])}${p.pick(any)}`;
  };
  return Array.from({ length: count }, () =>
    p.join(1 + p.int(2), () => p.join(1 + p.int(2), one, [' ', ', ', ',']), [' || ', '|']),
  );
}

/** Versions and require-constraints from the real composer.lock / installed.json fixtures. */
function lockfiles(): { versions: string[]; requirements: string[] } {
  const versions = new Set<string>();
  const requirements = new Set<string>();
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) for (const item of value) visit(item, key);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if ((k === 'version' || k === 'version_normalized') && typeof v === 'string')
          versions.add(v);
        else if ((k === 'require' || k === 'require-dev') && v && typeof v === 'object') {
          for (const c of Object.values(v as Record<string, unknown>))
            if (typeof c === 'string') requirements.add(c);
        } else visit(v, k);
      }
    }
  };
  const dir = sharedFixture('pkgdb', 'php');
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else visit(JSON.parse(readFileSync(path, 'utf8')), '');
    }
  };
  walk(dir);
  // GHSA Packagist advisories: each range as the GHSA constraint it stands for.
  const ghsa = sharedFixture('vulndb', 'ghsa', 'Packagist');
  for (const name of readdirSync(ghsa)) {
    const text = readFileSync(join(ghsa, name), 'utf8');
    for (const m of text.matchAll(
      /"introduced": "(?<from>[^"]+)"\s*\},\s*\{\s*"fixed": "(?<to>[^"]+)"/g,
    )) {
      requirements.add(`>= ${m.groups!['from']!}, < ${m.groups!['to']!}`);
      versions.add(m.groups!['to']!);
    }
  }
  return { versions: [...versions], requirements: [...requirements] };
}

describe.skipIf(!havePhp)(
  'composer: differential against composer/semver (Debian php-composer-semver) and PHP',
  () => {
    const agreeOn = (versions: readonly string[], seed: number): string[] => {
      const norms = reference(versions.map((v) => `norm\t${v}`));
      expect(
        disagreements(
          versions.map((v) => [v, v] as const),
          (v) => api.parse(v)?.normalized ?? 'invalid',
          norms,
        ),
      ).toEqual([]);
      // Composer orders numbered versions only (branches match nothing but themselves).
      const numbered = versions.filter(
        (v) =>
          api.isValid(v) && !api.parse(v)?.branch && !/^(?:dev-)?(?:master|trunk|default)$/.test(v),
      );
      const pairs = pairsFrom(numbered, picker(seed));
      const order = reference(pairs.map(([a, b]) => `cmp\t${a}\t${b}`)).map(toOrdering);
      expect(disagreements(pairs, api.compare, order)).toEqual([]);
      return versions.filter((v) => api.isValid(v));
    };
    const agreeOnConstraints = (cases: readonly (readonly [string, string])[]): void => {
      const answers = reference(cases.map(([c, v]) => `match\t${c}\t${v}`));
      const ours = (c: string, v: string): string =>
        api.isValidConstraint(c) ? String(api.matches(v, c)) : 'invalid';
      expect(disagreements(cases, ours, answers)).toEqual([]);
    };

    it('agrees on the real lockfile versions and require constraints', () => {
      const { versions, requirements } = lockfiles();
      expect(requirements.length).toBeGreaterThan(15);
      const valid = agreeOn(versions, 11);
      const p = picker(12);
      agreeOnConstraints(
        requirements
          .flatMap((r) => valid.map((v) => [r, v] as const))
          .concat(requirements.map((r) => [r, p.pick(valid)] as const)),
      );
    });

    it('agrees on normalization and order of 4,000 generated versions', () => {
      expect(agreeOn(generated(picker(13), 4000), 14).length).toBeGreaterThan(3000);
    });

    it('agrees on 4,000 generated constraint checks (^ ~ * hyphen || comparators, branches)', () => {
      const p = picker(15);
      const versions = generated(p, 1500);
      const valid = versions.filter((v) => api.isValid(v));
      agreeOnConstraints(constraints(p, versions, 4000).map((c) => [c, p.pick(valid)] as const));
    });
  },
);
