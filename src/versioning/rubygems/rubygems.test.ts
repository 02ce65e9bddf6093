import { describe, expect, it } from 'vitest';
import { runVersioningContract } from '../testing/index.js';
import { api, rubygems } from './index.js';

runVersioningContract(rubygems, {
  valid: ['1.0', '7.0.2.2', '1.0.0.rc1', '1.0-beta', ' 2.0 ', '1.a.2', '3'],
  invalid: [
    '',
    ' ',
    'a',
    '1.0_1',
    '1..0',
    '.1',
    '1.',
    '1.0-',
    '1 0',
    'v1.0',
    '1.13.3-x86_64-linux',
  ],
  // Gem::Version docs: letters make a prerelease that sorts before the release; `-` is `.pre.`.
  ordered: [
    ['1.0.a', '1.0a', '1.0.a.0'],
    ['1.0.a.1'],
    ['1.0.b1', '1.0.b.1'],
    ['1.0-1', '1.0.pre.1'],
    ['1.0.rc1'],
    ['1.0', '1', '1.0.0', '01.0'],
    ['1.0.1'],
    ['1.1.a'],
    ['1.1'],
    ['2'],
  ],
  validConstraints: ['~> 1.2', '>= 1.2.3, < 2', '!= 1.5', '= 1.0', '1.0', '~>1.2, >= 1.2.3'],
  invalidConstraints: ['~> ', '>=', '=~ 1.0', '>= 1.0,', '> a'],
});

describe('rubygems requirements', () => {
  it('implements the pessimistic operator with bump and release', () => {
    expect(api.matches('1.2.9', '~> 1.2.3')).toBe(true);
    expect(api.matches('1.3.0', '~> 1.2.3')).toBe(false);
    expect(api.matches('1.9', '~> 1.2')).toBe(true);
    expect(api.matches('2.0.a', '~> 1.2')).toBe(false);
    expect(api.matches('2.0', '~> 1.2')).toBe(false);
    expect(api.matches('5', '~> 5')).toBe(true);
    expect(api.matches('6.0.a', '~> 5')).toBe(false);
    expect(api.matches('5.9', '~> 5')).toBe(true);
  });

  it('matches real GHSA ranges for rack', () => {
    expect(api.matches('2.0.9.1', '>= 1.5.0, < 2.0.9.2')).toBe(true);
    expect(api.matches('2.0.9.2', '>= 1.5.0, < 2.0.9.2')).toBe(false);
  });
});
