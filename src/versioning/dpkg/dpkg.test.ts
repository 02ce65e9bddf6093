import { describe, expect, it } from 'vitest';
import { runVersioningContract } from '../testing/index.js';
import { api, dpkg } from './index.js';

runVersioningContract(dpkg, {
  valid: [
    '1.0',
    '1.0_1',
    '1:5.#',
    '1:2.30.2-1+deb11u2',
    '2.36.1-8+deb11u1',
    '0.0~git20210911.73bd0ce-3',
    '1.2.3~rc1+dfsg-0ubuntu1~18.04',
    'a1',
    '1:1:1-1-1',
  ],
  // dpkg's hard errors; its warnings (`1.0_1`, `a1`) are accepted, as dpkg --compare-versions does.
  invalid: [
    '',
    ' 1.0',
    '1.0 ',
    '1 0',
    '1.0-',
    ':1.0',
    '1:',
    'a:1.0',
    '1.0-1:2',
    '-1',
    '99999999999:1',
    '1.0\u00e9',
    '1.0\n',
  ],
  // Debian Policy §5.6.12 and deb-version(7): `~` sorts before everything, even the end.
  ordered: [
    ['1.0~~'],
    ['1.0~~a'],
    ['1.0~'],
    ['1.0', '1.0-0', '01.00', '0:1.0'],
    ['1.0-1~bpo1'],
    ['1.0-1'],
    ['1.0-1.1'],
    ['1.0a'],
    ['1.0+'],
    ['1.0.1'],
    ['1.1~rc1'],
    ['1.1'],
    ['1:0.1'],
  ],
  validConstraints: ['>= 1.0', '<< 2.0-1', '>= 1.0, << 2.0', '= 1:1.0-1', '<=2 || >>3'],
  invalidConstraints: ['>= ', '=> 1.0', '>= 1.0 ,, ', '>= 1.0 <', '>= 1:', '<< a:1', ''],
});

describe('dpkg table', () => {
  // [a, b, expected] rows; each was checked with `dpkg --compare-versions` (see dpkg.reference.test.ts).
  const rows: [string, string, -1 | 0 | 1][] = [
    ['1.2.3', '1.2.3', 0],
    ['1.2.3', '1.2.4', -1],
    ['1:1.0', '2.0', 1],
    ['1.0~rc1', '1.0', -1],
    ['1.0', '1.0+b1', -1],
    ['1.0-1', '1.0-1+b1', -1],
    ['2.30.2-1+deb11u2', '2.30.2-1+deb11u10', -1],
    ['1.0-1ubuntu1', '1.0-1', 1],
    ['0.9', '0.10', -1],
    ['1.a', '1.+', -1],
    ['1.0', '1.00', 0],
    ['1.010', '1.9', 1],
    ['7.4.052-1ubuntu3', '7.4.052-1ubuntu3.1', -1],
    ['1.18.0-6.1', '1.18.0-6.1+deb10u1', -1],
  ];
  it.each(rows)('compare(%s, %s) = %i', (a, b, expected) => {
    expect(api.compare(a, b)).toBe(expected);
    expect(api.compare(b, a)).toBe(-expected || 0);
  });

  it('matches Debian relation constraints', () => {
    expect(api.matches('1.0-1', '<< 1.0-2')).toBe(true);
    expect(api.matches('1.0-2', '<< 1.0-2')).toBe(false);
    expect(api.matches('1:0.5', '>> 1.0')).toBe(true);
    expect(api.matches('1.0~rc1', '>= 1.0')).toBe(false);
    expect(api.matches('2.5', '>= 1.0, << 2.0 || >= 2.4')).toBe(true);
    expect(api.matches('2.1', '>= 1.0, << 2.0 || >= 2.4')).toBe(false);
  });

  it('parses epoch, upstream and revision like dpkg', () => {
    expect(api.parse('1:2.3-4-5')).toEqual({ epoch: 1, upstream: '2.3-4', revision: '5' });
    expect(api.parse('2.3')).toEqual({ epoch: 0, upstream: '2.3', revision: '' });
    expect(api.parse('1:2:3')).toEqual({ epoch: 1, upstream: '2:3', revision: '' });
  });
});
