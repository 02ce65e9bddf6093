import { describe, expect, it } from 'vitest';
import { runVersioningContract } from '../testing/index.js';
import { api, pep440 } from './index.js';

runVersioningContract(pep440, {
  valid: [
    '1.0',
    'v1.0',
    '1!2.0',
    '1.0.post1',
    '1.0-1',
    '1.0.dev',
    '1.0+ubuntu-1',
    '1.0RC1',
    ' 1.0 ',
  ],
  invalid: ['', '1.0-', 'a1', '1.0+', '1.0+-x', '1..0', '1.0.x', '1.0 2', '1!', '=1.0', '1.0++a'],
  // PEP 440 "Summary of permitted suffixes and relative ordering".
  ordered: [
    ['1.dev0', '1.0.dev0', '1.0.0dev'],
    ['1.0a1.dev1'],
    ['1.0a1', '1.0alpha1', '1.0.a.1', '1.0-a1', '1.0a01'],
    ['1.0a2'],
    ['1.0a12'],
    ['1.0b1', '1.0beta1'],
    ['1.0rc1', '1.0c1', '1.0pre1', '1.0preview1'],
    ['1.0', '1.0.0', 'v1.0'],
    ['1.0+abc.5'],
    ['1.0+abc.7'],
    ['1.0+5'],
    ['1.0.post1.dev1'],
    ['1.0.post1', '1.0-1', '1.0r1', '1.0.rev1', '1.0post1'],
    ['1.0.1'],
    ['1!0.1'],
  ],
  validConstraints: [
    '>=1.0,<2.0',
    '>= 1.0, < 2.0',
    '~=1.4.2',
    '==1.*',
    '!=1.3.*',
    '===foo',
    '==1.0+local',
    '',
  ],
  invalidConstraints: ['>=1.0+local', '~=1', '>=1.*', '=>1.0', '>= 1.0 <2.0', '<1.0.*'],
});

describe('pep440 specifiers', () => {
  it('treats a pre-release inside the bounds as matching (advisory semantics)', () => {
    expect(api.matches('2.0.0rc1', '>=1.0, <2.0.1')).toBe(true);
    expect(api.matches('2.0rc1', '<2.0')).toBe(false);
  });

  it('implements ~=, prefix matching and local versions as packaging does', () => {
    expect(api.matches('1.4.5', '~=1.4.2')).toBe(true);
    expect(api.matches('1.5.0', '~=1.4.2')).toBe(false);
    expect(api.matches('1.0+local.1', '==1.0')).toBe(true);
    expect(api.matches('1.0+local.1', '==1.0+local.2')).toBe(false);
    expect(api.matches('1.3.7', '!=1.3.*')).toBe(false);
    expect(api.matches('1.0.post1', '>1.0')).toBe(false);
    expect(api.matches('1.1.post1', '>1.0')).toBe(true);
  });

  it('normalizes like packaging', () => {
    expect(api.parse('1.0-Alpha.1.POST-3_dev.4+Ubuntu-1')?.normalized).toBe(
      '1.0a1.post3.dev4+ubuntu.1',
    );
    expect(api.parse('v01!02.003')?.normalized).toBe('1!2.3');
  });
});
