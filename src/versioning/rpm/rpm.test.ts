import { describe, expect, it } from 'vitest';
import { runVersioningContract } from '../testing/index.js';
import { api, rpm, rpmvercmp } from './index.js';

runVersioningContract(rpm, {
  valid: [
    '1.0',
    '2:1.0-1.el8',
    '4.18.0-1.fc38',
    '1.0~rc1^git1-1',
    '20220428-1.gitdfb10ea.amzn2023.0.2',
    ':1.0',
  ],
  invalid: ['', '1.0-', '-1', '1.0 -1', ' 1.0', 'a:1.0', '1:2:3', '1.0-1:2', '1.0\u00e9'],
  // rpm 4.18 semantics (checked by rpm.reference.test.ts): `~` before the end, `^` after it.
  ordered: [
    ['1.0~rc1'],
    ['1.0', '1.00', '1_0', '0:1.0', ':1.0'],
    ['1.0-1'],
    ['1.0-2'],
    ['1.0-10'],
    ['1.0^git1'],
    ['1.0a'],
    ['1.0.1'],
    ['1.1'],
    ['1:0.1'],
  ],
  validConstraints: ['>= 1.0-1', '< 2.0, >= 1.0', '= 1:2.3-4.el9', '<=1 || >=2'],
  invalidConstraints: ['>= ', '=< 1', '>= 1.0-', ''],
});

describe('rpm table', () => {
  // rpmvercmp rows from rpm's own test suite semantics; all re-checked against rpm in the reference test.
  const rows: [string, string, -1 | 0 | 1][] = [
    ['1.0', '1.0', 0],
    ['1.0', '2.0', -1],
    ['2.0.1', '2.0.1a', -1],
    ['5.5p1', '5.5p2', -1],
    ['5.5p10', '5.5p1', 1],
    ['10xyz', '10.1xyz', -1],
    ['xyz10', 'xyz10.1', -1],
    ['xyz.4', '8', -1],
    ['5.5p1', '5.5.p1', 0],
    ['1.0~rc1', '1.0~rc2', -1],
    ['1.0~rc1~git123', '1.0~rc1', -1],
    ['1.0^', '1.0', 1],
    ['1.0^git1', '1.01', -1],
    ['1.0^git1~pre', '1.0^git1', -1],
    ['a', 'b', -1],
    ['a+', 'a_', 0],
    ['1b.fc17', '1.fc17', -1],
  ];
  it.each(rows)('rpmvercmp(%s, %s) = %i', (a, b, expected) => {
    expect(rpmvercmp(a, b)).toBe(expected);
    expect(rpmvercmp(b, a)).toBe(-expected || 0);
  });

  it('parses epoch, version and release', () => {
    expect(api.parse('2:1.0-1.el8')).toEqual({ epoch: 2, version: '1.0', release: '1.el8' });
    expect(api.parse('1.0')).toEqual({ epoch: 0, version: '1.0', release: undefined });
  });

  it('ignores the release when a constraint bound has none, as rpm dependencies do', () => {
    expect(api.matches('1.0-5', '= 1.0')).toBe(true);
    expect(api.matches('1.0-5', '>= 1.0-6')).toBe(false);
    expect(api.matches('1:0.9-1', '>= 1.0')).toBe(true);
    expect(api.matches('0.9-1', '< 1.0, >= 0.9')).toBe(true);
  });
});
