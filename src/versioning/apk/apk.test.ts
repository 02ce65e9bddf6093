import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../testing/index.js';
import { readTarGz, runVersioningContract } from '../testing/index.js';
import { api, apk } from './index.js';

// No apk-tools is packaged for Debian; these facts come from apk-tools' own test/version.data
// (rows used verbatim, as [a, b, expected]) and its version.c rules.
runVersioningContract(apk, {
  valid: [
    '1.36.1-r29',
    '3.0.8-r0',
    '2.4.1_p20220330-r1',
    '0.4.0_git20220602-r0',
    '1.0_alpha_pre2',
    '2.12r-r4',
    '006',
  ],
  invalid: [
    '',
    '1.0-1',
    '1.0_foo',
    '1.0bc',
    '1.2.A',
    'A1',
    '1.0_rc1.2',
    '1.0 ',
    '1.0-r1.2',
    '1.0-r1_p1',
  ],
  ordered: [
    ['0.1.1_alpha_pre2'],
    ['0.1.1_alpha'],
    ['0.1.1_alpha2'],
    ['0.1.1_beta'],
    ['0.1.1_pre1'],
    ['0.1.1_rc1'],
    ['0.1.1'],
    ['0.1.1-r1'],
    ['0.1.1_cvs'],
    ['0.1.1_p1'],
    ['0.1.1a'],
    ['0.1.1.1'],
    ['0.1.2'],
  ],
  validConstraints: ['>=1.2.3-r0', '<1.3', '~1.2', '>=1.0, <2.0', '=1.0-r1'],
  invalidConstraints: ['>= ', '>=1.0bc', '<1.0,'],
});

const rows: [string, string, -1 | 0 | 1][] = (
  [
    ['2.34', '>', '0.1.0_alpha'],
    ['0.1.0_alpha2', '>', '0.1.0_alpha'],
    ['1.0.4-r3', '<', '1.0.4-r4'],
    ['1.1', '>', '1.1_alpha1'],
    ['1.2.1', '>', '1.2'],
    ['1.2', '<', '1.3_alpha'],
    ['0.7.0', '<', '0.8_beta1'],
    ['3.10.18-r1', '>', '2.3.0b-r1'],
    ['2.3.0b-r1', '<', '2.3.0b-r2'],
    ['0.12.3', '>', '0.12'],
    ['1.2.11', '<', '1.2.12.1'],
    ['0.2.0-r1', '=', '0.2.0-r1'],
    ['3.1_p16', '<', '3.1_p17'],
    ['3.1_p17', '>', '1.06-r6'],
    ['1.06-r6', '<', '006'],
    ['006', '>', '1.0.0'],
    ['1.2.2-r1', '>', '1.2.2'],
    ['2.59', '<', '20050718-r1'],
    ['3.9.8-r5', '>', '2.01.01_alpha10'],
    ['1.0', '>', '0.99.3.20040818'],
    ['1.39', '>', '1.00_beta2'],
    ['4.2.52_p2-r1', '<', '4.2.52_p4-r2'],
    ['4.2.52_p4-r2', '>', '1.02.07'],
    ['1.02', '<', '1.03-r1'],
    ['20060720', '>', '3.0.20060720'],
    ['2.5.1-r8', '<', '2.5.1a-r1'],
    ['20040401', '>', '2.0.0_rc3-r1'],
    ['3.0.0-r2', '<', '021109-r3'],
    ['021109-r3', '<', '20060512'],
    ['0.9.16-r1', '<', '3.9_pre20060124'],
    ['1.1.7', '<', '6b-r7'],
    ['0.10.0-r1', '>', '0.10.0'],
    ['0.10.0', '<', '0.10.1_rc1'],
    ['1.0-r1', '>', '0.15.1b'],
    ['0.15.1b-r2', '>', '0.15.1b'],
    ['22.7-r1', '<', '22.7.3-r1'],
    ['22.7', '>', '2.1_pre20'],
    ['2.10.1', '>', '02.08.01b'],
    ['1.6d', '>', '1.2.07.8'],
    ['1.2.07.8', '<', '1.2.12.04'],
    ['1.07-r1', '<', '1.07.5'],
    ['0.1_pre20060810', '<', '0.1_pre20060817'],
    ['3.3.17', '>', '0.59s-r11'],
    ['0.20070118', '<', '0.20070207_rc1'],
    ['3.7_p1', '>', '1.3'],
    ['4.5_p1-r1', '>', '4.5_p1'],
    ['0.9.8c-r1', '<', '0.9.8d'],
    ['2.2.3-r2', '<', '013'],
    ['1.7', '<', '1.7b'],
    ['1.8.5', '<', '1.8.5_p2'],
    ['2.9.11_pre20051101-r3', '>', '2.9.11_pre20051101'],
    ['1.6.8_p12-r1', '>', '1.6.8_p9-r2'],
    ['0.9.28-r2', '<', '0.9.28.1'],
    ['0.9.28.1', '<', '087-r1'],
    ['20040406-r1', '>', '2.12r-r4'],
    ['7.0.17', '<', '7.0.174'],
    ['1.3-r0', '<', '1.3.1-r0'],
    ['1.3_pre1-r1', '<', '1.3.2'],
    ['1.0_p10-r0', '>', '1.0_p9-r0'],
    ['0.1.0_alpha_pre2', '<', '0.1.0_alpha'],
    ['1.0.0_pre20191002222144-r0', '<', '1.0.0_pre20210530193627-r0'],
  ] as const
).map(([a, op, b]) => [a, b, op === '<' ? -1 : op === '>' ? 1 : 0]);

describe('apk table (apk-tools test/version.data)', () => {
  it.each(rows)('compare(%s, %s) = %i', (a, b, expected) => {
    expect(api.compare(a, b)).toBe(expected);
    expect(api.compare(b, a)).toBe(-expected || 0);
  });

  it('keeps version.c quirks: a zero part before a suffix, and a bare -r', () => {
    // "1.0_rc1": after the zero run version.c reads an empty digit token, so the version is
    // longer than "1.0" at a non-suffix token and compares greater. Faithful to apk-tools 2.x.
    expect(api.compare('1.0_rc1', '1.0')).toBe(1);
    expect(api.compare('1.1_rc1', '1.1')).toBe(-1);
    expect(api.isValid('1.0-r')).toBe(true);
  });

  it('rejects the rows apk-tools itself marks invalid', () => {
    expect(api.isValid('23_foo')).toBe(false);
    expect(api.isValid('1.0bc')).toBe(false);
  });

  it('matches fuzzy ~ as a token prefix', () => {
    expect(api.matches('1.2.3-r1', '~1.2')).toBe(true);
    expect(api.matches('1.20', '~1.2')).toBe(false);
    expect(api.matches('1.36.1-r29', '< 1.36.1-r30')).toBe(true);
  });
});

describe('apk real versions', () => {
  it('accepts every version in the fixture apk databases and in Alpine secdb, and sorts them consistently', async () => {
    const versions = new Set<string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else
          for (const m of readFileSync(path, 'latin1').matchAll(/^V:(?<v>\S+)$/gm))
            versions.add(m.groups!['v']!);
      }
    };
    walk(sharedFixture('pkgdb', 'apk'));
    for (const file of await readTarGz(sharedFixture('vulndb', 'alpine-secdb.tar.gz'), ['.json'])) {
      const doc = JSON.parse(file.text) as {
        packages?: { pkg: { secfixes?: Record<string, unknown> } }[];
      };
      for (const p of doc.packages ?? [])
        for (const v of Object.keys(p.pkg.secfixes ?? {})) versions.add(v);
    }
    const all = [...versions];
    expect(all.length).toBeGreaterThan(3000);
    // secdb uses "0" for "not affected in any version"; it is a valid apk version too.
    const invalid = all.filter((v) => !api.isValid(v));
    expect(invalid.length / all.length).toBeLessThan(0.005);
    const sorted = all.filter((v) => api.isValid(v)).sort(api.compare);
    for (let i = 1; i < sorted.length; i++)
      expect(api.compare(sorted[i - 1]!, sorted[i]!)).toBeLessThanOrEqual(0);
  });
});
