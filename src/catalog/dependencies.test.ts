import { describe, expect, it } from 'vitest';
import { catalogFiles } from '../testing/index.js';
import { defineCataloger } from './cataloger.js';
import { dpkgCataloger } from './dpkg/index.js';
import { resolveDependencies } from './dependencies.js';
import type { Package } from './types.js';

const at = (path: string) => ({
  path,
  layerDiffId: undefined,
  layerDigest: undefined,
  layerIndex: 0,
});

function deb(name: string, arch: string, extra: Partial<Package> = {}): Package {
  return {
    type: 'deb',
    name,
    version: '1',
    arch,
    id: `${name}:${arch}`,
    purl: `pkg:deb/debian/${name}@1?arch=${arch}`,
    cataloger: 'dpkg',
    locations: [at('var/lib/dpkg/status')],
    ...extra,
  };
}

describe('resolveDependencies', () => {
  it('prefers the provider of the same architecture (multi-arch libc6)', () => {
    const packages = [
      deb('libc6', 'amd64'),
      deb('libc6', 'i386'),
      deb('app', 'i386', { requires: [['libc6']] }),
      deb('tool', 'amd64', { requires: [['libc6']] }),
    ];
    const resolved = resolveDependencies(packages, () => undefined);
    expect(resolved.find((p) => p.id === 'app:i386')?.dependsOn).toEqual(['libc6:i386']);
    expect(resolved.find((p) => p.id === 'tool:amd64')?.dependsOn).toEqual(['libc6:amd64']);
  });

  it('gives an architecture-independent package the native one (adduser, all -> libc6:amd64)', () => {
    const packages = [
      deb('libc6', 'i386'),
      deb('libc6', 'amd64'),
      deb('bash', 'amd64'),
      deb('dash', 'amd64'),
      deb('adduser', 'all', { requires: [['libc6']] }),
    ];
    const resolved = resolveDependencies(packages, () => undefined);
    expect(resolved.find((p) => p.name === 'adduser')?.dependsOn).toEqual(['libc6:amd64']);
  });

  it('takes the first installed alternative, through virtual packages, never itself', () => {
    const packages = [
      deb('mawk', 'amd64', { provides: ['awk'] }),
      deb('base-files', 'amd64', { requires: [['gawk', 'awk'], ['base-files'], ['missing']] }),
    ];
    const [mawk, base] = resolveDependencies(packages, () => undefined);
    expect(base?.dependsOn).toEqual(['mawk:amd64']);
    expect(base).not.toHaveProperty('requires');
    expect(mawk).not.toHaveProperty('provides');
  });

  it('meets a path requirement through the file lists, for the same type only', () => {
    const packages = [
      deb('bash', 'amd64'),
      deb('grep', 'amd64', { requires: [['/bin/sh'], ['/usr/bin/node']] }),
    ];
    const owners = new Map([
      ['/bin/sh', { type: 'deb' as const, name: 'bash' }],
      ['/usr/bin/node', { type: 'npm' as const, name: 'node' }],
    ]);
    const resolved = resolveDependencies(packages, (path) => owners.get(path));
    expect(resolved[1]?.dependsOn).toEqual(['bash:amd64']);
  });

  it('leaves a catalog without requirements as it is', () => {
    const packages = [deb('a', 'amd64')];
    expect(resolveDependencies(packages, () => undefined)).toEqual(packages);
  });
});

describe('dependencies after a refine step', () => {
  it('drops the edges to a package a refine step removes', async () => {
    // Two dpkg packages, one depending on the other; a cataloger whose refine drops the target.
    const status = [
      'Package: app\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\nDepends: lib\n',
      'Package: lib\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n',
    ].join('\n');
    const dropLib = defineCataloger({
      ...dpkgCataloger,
      refine: (packages) => packages.filter((pkg) => pkg.name !== 'lib'),
    });
    const kept = await catalogFiles({ 'var/lib/dpkg/status': status }, [dpkgCataloger]);
    expect(kept.packages.find((p) => p.name === 'app')?.dependsOn).toHaveLength(1);
    const refined = await catalogFiles({ 'var/lib/dpkg/status': status }, [dropLib]);
    expect(refined.packages.map((p) => p.name)).toEqual(['app']);
    expect(refined.packages[0]?.dependsOn).toBeUndefined();
  });
});
