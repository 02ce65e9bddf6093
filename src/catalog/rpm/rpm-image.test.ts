import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOciLayout, type TarEntrySpec } from '../../oci/index.js';
import { catalogFiles, catalogImageDir, sharedFixture } from '../../testing/index.js';
import type { Catalog } from '../catalog.js';
import { rpmQa, rpmRelations } from './testing/rpm-query.js';

const rpmFixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'rpm', ...parts));
const osRelease = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'os-release', ...parts));

async function catalogLayers(layers: readonly (readonly TarEntrySpec[])[]): Promise<Catalog> {
  const dir = await mkdtemp(join(tmpdir(), 'lockyard-rpm-image-'));
  try {
    await writeOciLayout(dir, {
      layers: layers.map((entries) => ({ kind: 'entries' as const, entries })),
    });
    return await catalogImageDir(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('rpm in images', () => {
  it('catalogs a RHEL 7 Berkeley DB like rpm -qa, with epoch, upstream and distro in the purl', async () => {
    const db = await rpmFixture('go-rpmdb', 'centos7-plain', 'Packages');
    const catalog = await catalogFiles({
      'etc/os-release': await osRelease('claircore', 'rhel', '7', 'etc', 'os-release'),
      'var/lib/rpm/Packages': db,
    });
    const rpms = catalog.packages.filter((p) => p.type === 'rpm');
    const expected = rpmQa(db, 'bdb').map((line) => {
      const [name, evr] = line.split('\t');
      return `${name} ${evr?.replace(/^\d+:/u, '')}`;
    });
    expect(rpms.map((p) => `${p.name} ${p.version}`).sort()).toEqual(expected.sort());
    const dm = rpms.find((p) => p.name === 'device-mapper');
    expect(dm?.purl).toBe(
      'pkg:rpm/redhat/device-mapper@1.02.146-4.el7?arch=x86_64&distro=rhel-7.7&epoch=7&upstream=lvm2',
    );
    expect(dm?.locations).toEqual([
      expect.objectContaining({
        path: 'var/lib/rpm/Packages',
        layerIndex: 0,
        layerDiffId: catalog.image.layers[0]?.diffId,
      }),
    ]);
  });

  it('reads rpmdb.sqlite under usr/lib/sysimage, reached through the var/lib/rpm link', async () => {
    const catalog = await catalogFiles([
      { name: 'etc/os-release', content: await osRelease('syft', 'mariner', 'etc', 'os-release') },
      {
        name: 'usr/lib/sysimage/rpm/rpmdb.sqlite',
        content: await rpmFixture('go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite'),
      },
      { name: 'var/lib/rpm', type: 'symlink', linkname: '../../usr/lib/sysimage/rpm' },
    ]);
    const curl = catalog.packages.find((p) => p.name === 'curl');
    expect(curl?.purl).toMatch(/^pkg:rpm\/mariner\/curl@[^?]+\?arch=x86_64&distro=mariner-1\.0$/u);
    expect(curl?.locations.map((l) => l.path)).toEqual(['usr/lib/sysimage/rpm/rpmdb.sqlite']);
    expect(curl?.files?.length).toBeGreaterThan(0);
  });

  it('a later layer that replaces the database replaces the package list', async () => {
    const catalog = await catalogLayers([
      [
        {
          name: 'var/lib/rpm/Packages',
          content: await rpmFixture('go-rpmdb', 'centos7-plain', 'Packages'),
        },
      ],
      [{ name: 'var/lib/rpm/Packages', content: await rpmFixture('syft', 'Packages') }],
    ]);
    const rpms = catalog.packages.filter((p) => p.type === 'rpm');
    expect(rpms.map((p) => `${p.name} ${p.version}`)).toEqual(['dive 0.9.2-1']);
    expect(rpms[0]?.locations[0]?.layerIndex).toBe(1);
  });

  it('a whiteout of the rpm directory removes every package', async () => {
    const catalog = await catalogLayers([
      [
        {
          name: 'var/lib/rpm/Packages',
          content: await rpmFixture('go-rpmdb', 'libuuid', 'Packages'),
        },
      ],
      [{ name: 'var/lib/.wh.rpm', content: '' }],
    ]);
    expect(catalog.packages.filter((p) => p.type === 'rpm')).toEqual([]);
  });

  it('puts the warnings of a damaged database in the catalog, naming the file', async () => {
    const db = await rpmFixture('go-rpmdb', 'centos7-plain', 'Packages');
    const catalog = await catalogFiles({ 'var/lib/rpm/Packages': db.subarray(0, db.length / 2) });
    expect(catalog.warnings[0]).toMatch(/^var\/lib\/rpm\/Packages: file is truncated/u);
    expect(catalog.packages.length).toBeGreaterThan(0);
  });
});

describe('rpm dependencies', () => {
  it.each([
    ['centos7-plain', 'Packages', 'bdb'],
    ['amazonlinux2023-plain', 'rpmdb.sqlite', 'sqlite'],
  ] as const)(
    'meets each requirement of %s with a package that rpm says provides it',
    async (dir, file, kind) => {
      const db = await rpmFixture('go-rpmdb', dir, file);
      const catalog = await catalogFiles({ [`var/lib/rpm/${file}`]: db });
      const rpms = catalog.packages.filter((p) => p.type === 'rpm');
      const names = new Map(rpms.map((p) => [p.id, p.name]));
      // rpm's own view: who provides each capability, by PROVIDENAME or by owning the path.
      const reference = rpmRelations(db, kind);
      const providers = new Map<string, Set<string>>();
      const provide = (capability: string, name: string): void => {
        const set = providers.get(capability) ?? new Set<string>();
        set.add(name);
        providers.set(capability, set);
      };
      for (const [name, capabilities] of reference.provides)
        for (const capability of capabilities) provide(capability, name);
      for (const [name, paths] of reference.files) for (const path of paths) provide(path, name);
      let edges = 0;
      for (const pkg of rpms) {
        const ours = new Set((pkg.dependsOn ?? []).map((id) => names.get(id) ?? id));
        const needed = (reference.requires.get(pkg.name) ?? []).filter(
          (capability) => !capability.startsWith('rpmlib('),
        );
        const allowed = new Set<string>();
        for (const capability of needed) {
          const candidates = [...(providers.get(capability) ?? [])].filter((n) => n !== pkg.name);
          const selfMet = providers.get(capability)?.has(pkg.name) ?? false;
          candidates.forEach((candidate) => allowed.add(candidate));
          // Each requirement another package alone meets is met by one of those packages.
          if (candidates.length > 0 && !selfMet)
            expect(
              candidates.some((candidate) => ours.has(candidate)),
              `${pkg.name} needs ${capability}: one of ${candidates.join(', ')}`,
            ).toBe(true);
        }
        // And nothing else: every dependency provides something the package requires.
        for (const name of ours) expect(allowed, `${pkg.name} -> ${name}`).toContain(name);
        edges += ours.size;
      }
      expect(edges).toBeGreaterThan(rpms.length);
    },
  );
});
