import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog/index.js';
import { catalogFiles, sharedFixture, useTempDir } from '../testing/index.js';
import { buildVulnDb, openVulnDb, type VulnDb } from '../vulndb/index.js';
import { createMatcher } from './matcher.js';

const dir = useTempDir();
let db: VulnDb;
let catalog: Catalog;

beforeAll(async () => {
  const output = join(dir, 'pypa.db');
  await buildVulnDb({
    inputs: [{ kind: 'osv', path: sharedFixture('vulndb', 'osv-pypi-yaml.tar.gz') }],
    output,
  });
  db = openVulnDb(output);
  // This machine's real python3-cryptography 38.0.4 from Debian: stanza, file list, dist-info.
  const list = await readFile('/var/lib/dpkg/info/python3-cryptography.list', 'utf8');
  const metadataPath = list.split('\n').find((line) => /\.dist-info\/METADATA$/.test(line)) ?? '';
  catalog = await catalogFiles({
    'var/lib/dpkg/status': execFileSync('dpkg-query', ['-s', 'python3-cryptography'], {
      encoding: 'utf8',
    }),
    'var/lib/dpkg/info/python3-cryptography.list': list,
    [metadataPath.slice(1)]: await readFile(metadataPath),
  });
}, 120_000);

describe('language packages owned by OS packages', () => {
  it('are not matched against language advisories by default', () => {
    const owned = catalog.packages.find((p) => p.type === 'pypi' && p.name === 'cryptography');
    expect(owned?.ownedBy).toEqual({ type: 'deb', name: 'python3-cryptography' });
    expect(
      createMatcher(db)
        .match(catalog)
        .findings.filter((f) => f.package.type === 'pypi'),
    ).toEqual([]);
  });

  it('are matched with includeOsOwned (PyPA: cryptography < 39.0.1)', () => {
    const ids = createMatcher(db, { includeOsOwned: true })
      .match(catalog)
      .findings.filter((f) => f.package.name === 'cryptography')
      .flatMap((f) => [f.id, ...f.aliases]);
    expect(ids).toContain('PYSEC-2023-11');
  });
});
