import { describe, expect, it } from 'vitest';
import { runVersioningContract } from '../testing/index.js';
import { api, maven } from './index.js';

runVersioningContract(maven, {
  valid: ['1.0', '5.2.20.RELEASE', '2.0-beta7', '1.0-SNAPSHOT', '1-1', '1.0.0.Final', 'r09', 'abc'],
  invalid: ['', ' ', '1.0 beta', '1.0\t', '1.0\u00e9'],
  // https://maven.apache.org/pom.html#version-order-specification examples.
  ordered: [
    ['1-alpha', '1.0-ALPHA'],
    ['1-alpha1', '1-a1', '1.0a1'],
    ['1-beta'],
    ['1-milestone'],
    ['1-rc', '1-cr'],
    ['1-snapshot', '1-SNAPSHOT'],
    ['1', '1.0', '1.0.0', '1-ga', '1-final', '1-release', '1.ga'],
    ['1-sp'],
    ['1-abc'],
    ['1-xyz'],
    ['1-1', '1.0-1'],
    ['1-2'],
    ['1.1-alpha'],
    ['1.1'],
  ],
  validConstraints: [
    '[1.0,1.0]',
    '[1.0,2.0)',
    '(,1.0],[1.2,)',
    '[1.5]',
    '[1.0,)',
    '>= 2.13.0, < 2.13.2.1',
    '(1.0,2.0]',
  ],
  invalidConstraints: [
    '[1.0,1.0)',
    '(1.0)',
    '[2.0,1.0]',
    '[1.0,2.0',
    '[1.0,2.0),1.5',
    '[1.0,3.0),[2.0,4.0)',
    '>= ',
  ],
});

describe('maven ranges', () => {
  it('evaluates sets and unions like VersionRange.containsVersion', () => {
    expect(api.matches('1.5', '[1.0,2.0)')).toBe(true);
    expect(api.matches('2.0', '[1.0,2.0)')).toBe(false);
    expect(api.matches('2.0-SNAPSHOT', '[1.0,2.0)')).toBe(true);
    expect(api.matches('1.1', '(,1.0],[1.2,)')).toBe(false);
    expect(api.matches('1.0', '(,1.0],[1.2,)')).toBe(true);
    expect(api.matches('1.5', '[1.5]')).toBe(true);
  });

  it('matches real GHSA ranges for log4j and Spring', () => {
    expect(api.matches('2.14.1', '>= 2.13.0, < 2.15.0')).toBe(true);
    expect(api.matches('2.0-beta9', '>= 2.0-beta7, < 2.3.2')).toBe(true);
    expect(api.matches('5.2.20.RELEASE', '< 5.2.20.RELEASE')).toBe(false);
    expect(api.matches('5.2.19.RELEASE', '< 5.2.20.RELEASE')).toBe(true);
  });
});
