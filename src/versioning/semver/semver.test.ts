import { describe, expect, it } from 'vitest';
import { osvVersions, readOsvArchive, runVersioningContract } from '../testing/index.js';
import { api, cargo, cargoApi, semver } from './index.js';

runVersioningContract(semver, {
  valid: ['1.2.3', 'v1.2.3', '1.0.0-alpha.1+build.5', '0.0.0-0', '10.20.30'],
  invalid: ['', '1.2', '1', '01.2.3', '1.2.3-', '1.2.3-01', '1.2.3+', 'a.b.c', '1.2.3.4'],
  // SemVer 2.0 §11 example, plus build metadata (ignored for precedence).
  ordered: [
    ['1.0.0-alpha'],
    ['1.0.0-alpha.1'],
    ['1.0.0-alpha.beta'],
    ['1.0.0-beta'],
    ['1.0.0-beta.2'],
    ['1.0.0-beta.11'],
    ['1.0.0-rc.1'],
    ['1.0.0', '1.0.0+build.1', 'v1.0.0'],
    ['2.0.0'],
    ['2.1.0'],
    ['2.1.1'],
  ],
  validConstraints: ['^1.2.3 || >=2 <3', '~1.2', '1.x', '>= 1.0.0, < 2.0.0', '>=0 <4.17.21', '*'],
  invalidConstraints: ['>= 1.0.0,', 'not a range ^^', ''],
});

describe('npm ranges (node-semver semantics)', () => {
  it('evaluates npm ranges with npm prerelease rules', () => {
    expect(api.matches('1.5.0', '^1.2.3 || >=2 <3')).toBe(true);
    expect(api.matches('2.5.0', '^1.2.3 || >=2 <3')).toBe(true);
    expect(api.matches('3.0.0', '^1.2.3 || >=2 <3')).toBe(false);
    expect(api.matches('2.0.0-rc.1', '>=1.0.0 <3.0.0')).toBe(false);
    expect(api.matches('5.0.0-beta.1', '>=5.0.0-alpha.1 <5.0.0')).toBe(true);
  });

  it('evaluates GHSA comma constraints by plain precedence, prereleases included', () => {
    expect(api.matches('2.0.0-rc.1', '>= 1.0.0, < 3.0.0')).toBe(true);
    expect(api.matches('4.17.20', '>= 0, < 4.17.21')).toBe(true);
    expect(api.matches('4.17.21', '>= 0, < 4.17.21')).toBe(false);
  });
});

describe('Cargo requirements', () => {
  it('treats a bare version as caret and joins comparators with commas', () => {
    expect(cargoApi.matches('1.4.0', '1.2.3')).toBe(true);
    expect(cargoApi.matches('2.0.0', '1.2.3')).toBe(false);
    expect(cargoApi.matches('0.2.9', '0.2.3')).toBe(true);
    expect(cargoApi.matches('0.3.0', '0.2.3')).toBe(false);
    expect(cargoApi.matches('1.2.9', '>= 1.2.0, < 1.3')).toBe(true);
    expect(cargoApi.matches('1.3.0', '>= 1.2.0, < 1.3')).toBe(false);
    expect(cargoApi.matches('1.2.5', '~1.2')).toBe(true);
    expect(cargoApi.matches('1.3.0-alpha.1', '>=1.2, <2')).toBe(false);
    expect(cargoApi.matches('1.3.0-alpha.1', '>=1.3.0-alpha.0')).toBe(true);
    expect(cargo.id).toBe('semver');
  });

  it('rejects npm-only syntax', () => {
    expect(cargoApi.isValidConstraint('^1 || ^2')).toBe(false);
    expect(cargoApi.isValidConstraint('>=1 <2')).toBe(false);
  });

  it('accepts every version in the crates.io OSV records', async () => {
    const versions = osvVersions(await readOsvArchive('osv-crates.tar.gz'));
    expect(versions.length).toBeGreaterThan(500);
    for (const v of versions) expect(cargoApi.isValid(v), v).toBe(true);
  });
});
