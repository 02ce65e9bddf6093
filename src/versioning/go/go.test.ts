import { describe, expect, it } from 'vitest';
import { runVersioningContract } from '../testing/index.js';
import { api, go } from './index.js';

runVersioningContract(go, {
  valid: [
    'v1.2.3',
    '1.2.3',
    'v2.0.0+incompatible',
    'v0.0.0-20200101000000-abcdef123456',
    'v1.2',
    'v1',
  ],
  invalid: [
    '',
    'v',
    'v01.2.3',
    'v1.02.3',
    'v1.2.3-',
    'v1.2.3-01',
    'v1.2-pre',
    'v1.2+build',
    'v1.2.3+',
    'V1.2.3',
    'v1.2.3.4',
    'v1.2.3 ',
    'vv1.2.3',
    'v1.2.3-a..b',
  ],
  ordered: [
    ['v0.0.0-20191109021931-daa7c04131f5'],
    ['v0.0.0-20200101000000-abcdef123456'],
    ['v0.0.0'],
    ['v1.0.0-alpha'],
    ['v1.0.0-alpha.1'],
    ['v1.0.0-alpha.beta'],
    ['v1.0.0-beta.2'],
    ['v1.0.0-beta.11'],
    ['v1.0.0-rc.1'],
    ['v1.0.0', '1.0.0', 'v1', 'v1.0', 'v1.0.0+meta'],
    ['v1.2.4-0.20200101000000-abcdef123456'],
    ['v1.2.4'],
    ['v2.0.0+incompatible', 'v2.0.0'],
  ],
  validConstraints: ['>= 1.2.0, < 1.4.1', '< v0.0.0-20200101000000-abcdef123456', '>= 0'],
  invalidConstraints: ['>= v1.2-pre', '=> 1', '< 1.2.3,'],
});

describe('go pseudo-versions and OSV forms', () => {
  it('recognises the three pseudo-version forms and nothing else', () => {
    expect(api.parse('v0.0.0-20200101000000-abcdef123456')?.pseudo).toBe(true);
    expect(api.parse('v1.2.4-0.20200101000000-abcdef123456')?.pseudo).toBe(true);
    expect(api.parse('v1.2.3-pre.0.20200101000000-abcdef123456')?.pseudo).toBe(true);
    expect(api.parse('v1.2.3-rc.1')?.pseudo).toBe(false);
    expect(api.parse('1.2.3')?.canonical).toBe('v1.2.3');
  });

  it('puts a pseudo-version between the release before it and the one it precedes', () => {
    expect(api.compare('v1.2.3', 'v1.2.4-0.20200101000000-abcdef123456')).toBe(-1);
    expect(api.compare('v1.2.4-0.20200101000000-abcdef123456', 'v1.2.4')).toBe(-1);
    expect(
      api.matches('v0.0.0-20220101000000-abcdef123456', '< 0.0.0-20230101000000-000000000000'),
    ).toBe(true);
  });
});
