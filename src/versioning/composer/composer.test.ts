import { describe, expect, it } from 'vitest';
import { runVersioningContract } from '../testing/index.js';
import { api, composer } from './index.js';

// Tables from getcomposer.org/doc/articles/versions.md and composer/semver's own tests; the
// differential test (composer.reference.test.ts) checks the same rules against composer/semver.
runVersioningContract(composer, {
  valid: [
    '1.0.0',
    'v2.4',
    '1.0.0-RC1',
    '2010-01-02',
    'dev-main',
    'master',
    '1.x-dev',
    '1.0.0+build',
    '1.0.0-beta as 1.0',
    '1.0@dev',
    '5.4.20',
  ],
  invalid: [
    '',
    ' ',
    'a',
    '1.0.0-meh',
    '1.0.0.0.0',
    'feature-foo',
    '1.0 .2',
    'dev-',
    '~1',
    '>=1.0',
    '1.0.0-dev<1.0.5-dev',
  ],
  ordered: [
    ['dev-feature'],
    ['dev-hotfix'],
    ['1.0.0-dev', '1.0-dev', 'v1.0.0-dev'],
    ['1.0.0-alpha1-dev'],
    ['1.0.0-alpha1', '1.0.0-a1', '1.0.0alpha1', '1.0.0-alpha.1'],
    ['1.0.0-beta'],
    ['1.0.0-beta1', '1.0.0-b1'],
    ['1.0.0-beta2'],
    ['1.0.0-RC1', '1.0.0-rc1', '1.0.0.RC.1'],
    ['1.0.0', '1.0', '1', 'v1.0.0', '1.0.0.0', '1.0.0-stable', '1.0.0+build'],
    ['1.0.0-patch1', '1.0.0-pl1', '1.0.0-p1'],
    ['1.0.1'],
    ['1.1.0'],
    ['1.9999999.9999999.9999999-dev', '1.x-dev'],
    ['2010.01.02'],
    ['9999999-dev', 'dev-master', 'master', 'dev-trunk'],
  ],
  validConstraints: [
    '^1.2.3',
    '~1.2',
    '1.0.*',
    '1.0 - 2.0',
    '>=1.0 <1.1 || >=1.2',
    '>= 4.0.0, < 6.5.7',
    'dev-main',
    '*',
    '@dev',
    '>=1.0@beta',
    '^2.0|^3.0',
  ],
  invalidConstraints: ['~>1.2', '>= foo', '', '>=1.0,,<2', '1.0 - ', '^'],
});

describe('composer normalization', () => {
  it.each([
    ['1.0.0', '1.0.0.0'],
    ['1.2.3.4', '1.2.3.4'],
    ['1.0.0RC1dev', '1.0.0.0-RC1-dev'],
    ['1.0.0-rC15-dev', '1.0.0.0-RC15-dev'],
    ['1.0.0.RC.15-dev', '1.0.0.0-RC15-dev'],
    ['1.0.0.pl3-dev', '1.0.0.0-patch3-dev'],
    ['10.4.13beta.2', '10.4.13.0-beta2'],
    ['v1.13.11-beta.0', '1.13.11.0-beta0'],
    ['10.4.13-b5', '10.4.13.0-beta5'],
    ['2010.01', '2010.01.0.0'],
    ['2010-01-02.5', '2010.01.02.5'],
    ['20100102-203040', '20100102.203040'],
    ['1.0.0-alpha.3.1+foo', '1.0.0.0-alpha3.1'],
    ['master', 'dev-master'],
    ['dev-feature+issue-1', 'dev-feature+issue-1'],
    ['1.x-dev', '1.9999999.9999999.9999999-dev'],
    ['2.1.x-dev', '2.1.9999999.9999999-dev'],
    ['1.0.0-beta as 1.0', '1.0.0.0-beta'],
  ])('normalize(%s) = %s', (input, normalized) => {
    expect(api.parse(input)?.normalized).toBe(normalized);
  });
});

describe('composer constraints', () => {
  const cases: [string, string, boolean][] = [
    ['^1.2.3', '1.2.3', true],
    ['^1.2.3', '1.9.0', true],
    ['^1.2.3', '2.0.0', false],
    ['^1.2.3', '2.0.0-beta1', false],
    ['^0.3', '0.3.9', true],
    ['^0.3', '0.4.0', false],
    ['^0.0.3', '0.0.4', false],
    ['~1.2', '1.9', true],
    ['~1.2', '2.0', false],
    ['~1.2.3', '1.2.9', true],
    ['~1.2.3', '1.3.0', false],
    ['1.0.*', '1.0.9', true],
    ['1.0.*', '1.1.0', false],
    ['1.0 - 2.0', '2.0.5', true],
    ['1.0 - 2.0', '2.1.0', false],
    ['1.0.0 - 2.1.0', '2.1.0', true],
    ['1.0.0 - 2.1.0', '2.1.1', false],
    ['>=1.0 <1.1 || >=1.2', '1.1.5', false],
    ['>=1.0 <1.1 || >=1.2', '1.2.0', true],
    ['>= 4.0.0, < 6.5.7', '6.5.6', true],
    ['>= 4.0.0, < 6.5.7', '6.5.7', false],
    ['<1.0', '1.0.0-beta', false],
    ['>=1.0', '1.0.0-beta', true],
    ['dev-main', 'dev-main', true],
    ['dev-main', 'dev-other', false],
    ['>=1.0', 'dev-main', false],
    ['*', 'dev-main', true],
    ['!=1.0', 'dev-main', true],
  ];
  it.each(cases)('%s matches %s: %s', (constraint, version, expected) => {
    expect(api.matches(version, constraint)).toBe(expected);
  });
});
