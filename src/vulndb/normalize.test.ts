import { describe, expect, it } from 'vitest';
import { canonicalEcosystem, newestDate, normalizeDate, packageKey } from './normalize.js';

describe('normalizeDate', () => {
  it.each([
    ['2022-08-29T22:15:46Z', '2022-08-29T22:15:46.000Z'],
    ['2023-11-07T20:24:23.946863Z', '2023-11-07T20:24:23.946Z'],
    ['2024-06-18T21:27:48.123456789Z', '2024-06-18T21:27:48.123Z'],
    ['2024-06-18T21:27:48+02:00', '2024-06-18T19:27:48.000Z'],
    ['2024-06-18T21:27:48', '2024-06-18T21:27:48.000Z'],
    ['2024-06-18 21:27:48', '2024-06-18T21:27:48.000Z'],
    ['2023-06-03', '2023-06-03T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeDate(input)).toBe(expected);
  });

  it.each(['', 'yesterday', '2024-13-45T00:00:00Z', '12/06/2024'])('%j is not a date', (input) => {
    expect(normalizeDate(input)).toBeUndefined();
  });

  it('ignores placeholder years when finding the newest date', () => {
    expect(
      newestDate(
        '0001-01-01T00:00:00.000Z',
        undefined,
        '2022-12-14T18:06:02.000Z',
        '2021-01-01T00:00:00.000Z',
      ),
    ).toBe('2022-12-14T18:06:02.000Z');
    expect(newestDate('0001-01-01T00:00:00.000Z')).toBeUndefined();
  });
});

describe('package keys', () => {
  it.each([
    ['PyPI', 'Django', 'django'],
    ['pypi', 'zope.interface', 'zope-interface'],
    ['PyPI', 'Some__Package', 'some-package'],
    ['npm', 'Axios', 'axios'],
    ['NuGet', 'Newtonsoft.Json', 'newtonsoft.json'],
    ['Packagist', 'Symfony/HTTP-Kernel', 'symfony/http-kernel'],
    ['Go', 'github.com/BurntSushi/toml', 'github.com/BurntSushi/toml'],
    ['Maven', 'org.Apache:Foo', 'org.Apache:Foo'],
    ['crates.io', 'Inflector', 'Inflector'],
    ['Debian:12', 'glibc', 'glibc'],
  ])('%s %s -> %s', (ecosystem, name, key) => {
    expect(packageKey(ecosystem, name)).toBe(key);
  });

  it('spells ecosystems the OSV way whatever the case, keeping the release', () => {
    expect(canonicalEcosystem('pypi')).toBe('PyPI');
    expect(canonicalEcosystem('CRATES.IO')).toBe('crates.io');
    expect(canonicalEcosystem('debian:12')).toBe('Debian:12');
    expect(canonicalEcosystem('ubuntu:22.04:LTS')).toBe('Ubuntu:22.04:LTS');
    expect(canonicalEcosystem('Something-New')).toBe('Something-New');
  });
});
