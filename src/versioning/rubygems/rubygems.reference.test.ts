import { readdirSync, readFileSync } from 'node:fs';
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

const haveRuby = referenceAvailable('ruby', ['-e', 'Gem::Version.new("1")']);

const SCRIPT = `
out = []
STDIN.read.split("\\n").each do |line|
  f = line.split("\\t", -1)
  case f[0]
  when "cmp" then out << (Gem::Version.new(f[1]) <=> Gem::Version.new(f[2])).to_s
  when "valid" then out << (f[1].strip.empty? ? "false" : Gem::Version.correct?(f[1]).to_s)
  else
    begin
      out << Gem::Requirement.new(*f[1].split(",")).satisfied_by?(Gem::Version.new(f[2])).to_s
    rescue Gem::Requirement::BadRequirementError
      out << "invalid"
    end
  end
end
puts out
`;

function reference(lines: readonly string[]): string[] {
  return runBatch('ruby', ['-e', SCRIPT], lines.map((l) => `${l}\n`).join(''));
}

/** Resolved versions and dependency requirements from the real Gemfile.lock fixtures. */
function lockfiles(): { versions: string[]; requirements: string[] } {
  const versions = new Set<string>();
  const requirements = new Set<string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.lock')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(/^ {4}\S+ \((?<v>[^)]+)\)$/gm)) versions.add(m.groups!['v']!);
        for (const m of text.matchAll(/^ {6}\S+ \((?<r>[^)]+)\)$/gm))
          requirements.add(m.groups!['r']!);
      } else if (entry.name.endsWith('.gemspec')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/\.version = "(?<v>[^"]+)"/g))
          versions.add(m.groups!['v']!);
      }
    }
  };
  walk(sharedFixture('pkgdb', 'ruby'));
  return { versions: [...versions], requirements: [...requirements] };
}

function generated(p: Picker, count: number): string[] {
  const num = (): string => p.pick(['0', '1', '2', '10', '01', '00', String(p.int(30))]);
  const word = (): string => p.pick(['a', 'b', 'pre', 'rc', 'beta', 'alpha', 'A', 'Z']);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let v = num();
    const n = p.int(5);
    for (let j = 0; j < n; j++)
      v += '.' + (p.chance(0.25) ? word() + (p.chance(0.5) ? num() : '') : num());
    if (p.chance(0.15)) v += p.pick(['a', 'rc1', 'b2']);
    if (p.chance(0.2)) v += '-' + p.join(1 + p.int(2), () => p.pick([num(), word(), 'x-y']), ['.']);
    if (p.chance(0.05)) v += p.pick(['.', '_', '..1', ' ']);
    out.push(v);
  }
  return out;
}

describe.skipIf(!haveRuby)(
  'rubygems: differential against Ruby Gem::Version and Gem::Requirement',
  () => {
    const agreeOn = (versions: readonly string[], seed: number): string[] => {
      const validity = reference(versions.map((v) => `valid\t${v}`));
      expect(
        disagreements(
          versions.map((v) => [v, v] as const),
          (v) => String(api.isValid(v)),
          validity,
        ),
      ).toEqual([]);
      const valid = versions.filter((v) => api.isValid(v));
      const pairs = pairsFrom(valid, picker(seed));
      const order = reference(pairs.map(([a, b]) => `cmp\t${a}\t${b}`)).map(toOrdering);
      expect(disagreements(pairs, api.compare, order)).toEqual([]);
      return valid;
    };
    const agreeOnRequirements = (cases: readonly (readonly [string, string])[]): void => {
      const answers = reference(cases.map(([r, v]) => `req\t${r}\t${v}`));
      expect(
        disagreements(
          cases,
          (r, v) => (api.isValidConstraint(r) ? String(api.matches(v, r)) : 'invalid'),
          answers,
        ),
      ).toEqual([]);
    };

    it('agrees on the versions and requirements of the real Gemfile.lock and gemspec fixtures', () => {
      const { versions, requirements } = lockfiles();
      expect(requirements.length).toBeGreaterThan(20);
      const valid = agreeOn(versions, 7);
      expect(valid.length).toBeGreaterThan(60);
      const p = picker(8);
      agreeOnRequirements(
        requirements.flatMap((r) => [0, 1, 2, 3].map(() => [r, p.pick(valid)] as const)),
      );
    });

    it('agrees on 5,000 generated versions, their pairs, and 4,000 requirement checks', () => {
      const valid = agreeOn(generated(picker(31), 5000), 32);
      expect(valid.length).toBeGreaterThan(3500);
      const p = picker(33);
      const requirement = (): string =>
        `${p.pick(['', '=', '!=', '>', '<', '>=', '<=', '~>', '~>', '~>'])}${p.pick(['', ' '])}${p.pick(valid).trim()}`;
      agreeOnRequirements(
        Array.from(
          { length: 4000 },
          () => [p.join(1 + p.int(2), requirement, [', ', ',']), p.pick(valid)] as const,
        ),
      );
    });
  },
);
