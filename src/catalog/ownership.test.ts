import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogFiles } from '../testing/index.js';

// Real artifacts from this Debian machine (CI installs python3-packaging): the dpkg stanza of
// python3-packaging, its file list, and the dist-info METADATA it installed.
const stanza = execFileSync('dpkg-query', ['-s', 'python3-packaging'], { encoding: 'utf8' });
const list = await readFile('/var/lib/dpkg/info/python3-packaging.list');
const metadataPath = list
  .toString()
  .split('\n')
  .find((line) => line.endsWith('.dist-info/METADATA'));
if (!metadataPath) throw new Error('python3-packaging.list names no dist-info METADATA');
const metadata = await readFile(metadataPath);

describe('language packages installed by an OS package', () => {
  it('records the owning dpkg package on the Python package found in its files', async () => {
    const catalog = await catalogFiles({
      'var/lib/dpkg/status': stanza,
      'var/lib/dpkg/info/python3-packaging.list': list,
      [metadataPath.slice(1)]: metadata,
    });
    const python = catalog.packages.find((p) => p.type === 'pypi' && p.name === 'packaging');
    expect(python?.ownedBy).toEqual({ type: 'deb', name: 'python3-packaging' });
    expect(catalog.packages.find((p) => p.type === 'deb')?.name).toBe('python3-packaging');
  });

  it('leaves a pip-installed package (no OS file list names it) unowned', async () => {
    const catalog = await catalogFiles({
      'var/lib/dpkg/status': stanza,
      'var/lib/dpkg/info/python3-packaging.list': list,
      [`usr/local/lib/python3.11/site-packages/${metadataPath.split('/').slice(-2).join('/')}`]:
        metadata,
    });
    expect(catalog.packages.find((p) => p.type === 'pypi')?.ownedBy).toBeUndefined();
  });
});
