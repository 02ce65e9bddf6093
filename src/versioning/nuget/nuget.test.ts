import { describe, expect, it } from 'vitest';
import { runVersioningContract } from '../testing/index.js';
import { api, nuget } from './index.js';

// No NuGet client runs on this machine; these tables follow NuGet.Versioning's VersionComparer
// and NuGetVersionFactory (links in index.ts) and the NuGet docs' ordering examples.
runVersioningContract(nuget, {
  valid: [
    '1',
    '1.0',
    '1.0.0',
    '1.0.0.0',
    '13.0.1',
    '1.0.0-beta.1+sha.abc',
    ' 2.0 ',
    '01.2',
    '1.0.0-0a',
    '1.0.0+01',
    '2147483647.0',
  ],
  invalid: [
    '',
    ' ',
    '1.0.0.0.0',
    'a',
    '1.0-',
    '1.0+',
    '1.0.0-01',
    '1.0.0-a..b',
    '1.0.0-a_b',
    '-1.0',
    '1.0.x',
    'v1.0',
    '2147483648.0',
    '1.0.0-a+b+c',
    '1 .0',
  ],
  ordered: [
    ['1.0.0-0'],
    ['1.0.0-1'],
    ['1.0.0-10'],
    ['1.0.0-Alpha', '1.0.0-alpha', '1.0.0-ALPHA+build'],
    ['1.0.0-alpha.1'],
    ['1.0.0-alpha.beta'],
    ['1.0.0-beta'],
    ['1.0.0-beta.2'],
    ['1.0.0-beta.11'],
    ['1.0.0-rc.1'],
    ['1.0.0', '1', '1.0', '1.0.0.0', '1.0.0+meta', '01.00.000'],
    ['1.0.0.1-alpha'],
    ['1.0.0.1'],
    ['1.0.1'],
    ['1.0.11'],
    ['1.1'],
  ],
  validConstraints: [
    '[1.0,2.0)',
    '1.0',
    '(,1.0]',
    '[1.0]',
    '(1.0,)',
    '[ 1.0 , 2.0 ]',
    '>= 3.1.0, < 3.1.18',
  ],
  invalidConstraints: [
    '(1.0)',
    '(,)',
    '[2.0,1.0]',
    '[1.0,1.0)',
    '[1.0,2.0',
    '[1,2,3]',
    'x',
    '>= x',
  ],
});

describe('nuget ranges', () => {
  it('follows NuGet range semantics, including bare versions as minimums', () => {
    expect(api.matches('1.5', '1.0')).toBe(true);
    expect(api.matches('0.9', '1.0')).toBe(false);
    expect(api.matches('2.0', '[1.0,2.0)')).toBe(false);
    expect(api.matches('2.0.0-beta', '[1.0,2.0)')).toBe(true);
    expect(api.matches('1.0', '(1.0,)')).toBe(false);
    expect(api.matches('1.0.0.0', '[1.0]')).toBe(true);
  });

  it('matches the real GHSA range for Microsoft.NETCore.App.Runtime', () => {
    expect(api.matches('3.1.17', '>= 3.1.0, < 3.1.18')).toBe(true);
    expect(api.matches('3.1.18', '>= 3.1.0, < 3.1.18')).toBe(false);
    expect(api.matches('5.0.9', '>= 5.0.0, < 5.0.9')).toBe(false);
  });

  it('normalizes like nuget.org', () => {
    expect(api.parse('01.02.0.0-Beta+Meta')?.normalized).toBe('1.2.0-Beta+Meta');
    expect(api.parse('1.2.3.4')?.normalized).toBe('1.2.3.4');
  });
});
