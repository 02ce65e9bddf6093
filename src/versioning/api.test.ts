import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  VersionError,
  getVersionScheme,
  versionSchemeForEcosystem,
  versionSchemes,
} from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('version scheme registry', () => {
  it('registers every scheme folder under its folder name', () => {
    const folders = readdirSync(here, { withFileTypes: true })
      .filter(
        (d) =>
          d.isDirectory() && d.name !== 'testing' && existsSync(join(here, d.name, 'index.ts')),
      )
      .map((d) => d.name)
      .sort();
    expect([...versionSchemes.keys()].sort()).toEqual(folders);
    for (const [id, scheme] of versionSchemes) expect(scheme.id).toBe(id);
    expect(folders).toHaveLength(10);
  });

  it('names the known schemes when asked for an unknown one', () => {
    expect(() => getVersionScheme('debian')).toThrow(VersionError);
    expect(() => getVersionScheme('debian')).toThrow(
      /unknown version scheme "debian"; known schemes: dpkg, rpm, apk, semver/,
    );
  });

  it('maps OSV ecosystems, with release suffixes, to schemes', () => {
    expect(versionSchemeForEcosystem('Debian:12')?.id).toBe('dpkg');
    expect(versionSchemeForEcosystem('Alpine:v3.18')?.id).toBe('apk');
    expect(versionSchemeForEcosystem('PyPI')?.id).toBe('pep440');
    expect(versionSchemeForEcosystem('crates.io')?.api.matches('1.4.0', '1.2.3')).toBe(true);
    expect(versionSchemeForEcosystem('npm')?.api.matches('1.4.0', '1.2.3')).toBe(false);
    expect(versionSchemeForEcosystem('Hackage')).toBeUndefined();
  });
});
