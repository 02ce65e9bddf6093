import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogFiles, sharedFixture } from '../../testing/index.js';
import { dropLockfileDuplicates, dropProjectManifests } from './index.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'npm', ...parts));
/** An installed package of syft's pkg-lock project. */
const cowsayManifest = (): Promise<Buffer> =>
  fixture('syft', 'pkg-lock', 'node_modules', 'cowsay', 'package.json');

describe('dropLockfileDuplicates', () => {
  it('keeps one entry per installed package and the lockfile-only ones', async () => {
    // syft's pkg-lock project: package-lock.json plus two of its packages installed.
    const catalog = await catalogFiles({
      'app/package-lock.json': await fixture('syft', 'pkg-lock', 'package-lock.json'),
      'app/node_modules/cowsay/package.json': await cowsayManifest(),
      'app/node_modules/@actions/core/package.json': await fixture(
        'syft',
        'pkg-lock',
        'node_modules',
        '@actions',
        'core',
        'package.json',
      ),
      'other/package-lock.json': await fixture('syft', 'pkg-lock', 'package-lock.json'),
    });
    // The catalog build runs the npm cataloger's refine step (dropLockfileDuplicates): app/ has a
    // node_modules, so what it holds is the truth and every app/package-lock.json entry goes
    // (installed ones are duplicates, the others were never installed); other/ ships no
    // node_modules, so its lockfile is all there is and every entry stays.
    const cowsay = catalog.packages
      .filter((p) => p.purl === 'pkg:npm/cowsay@1.4.0')
      .map((p) => p.locations[0]?.path)
      .sort();
    expect(cowsay).toEqual(['app/node_modules/cowsay/package.json', 'other/package-lock.json']);
    const fromAppLock = catalog.packages.filter(
      (p) => p.locations[0]?.path === 'app/package-lock.json',
    ).length;
    const fromOtherLock = catalog.packages.filter(
      (p) => p.locations[0]?.path === 'other/package-lock.json',
    ).length;
    expect(fromAppLock).toBe(0);
    expect(fromOtherLock).toBeGreaterThan(2);
  });
});

describe('dropLockfileDuplicates on a full npm install', () => {
  it('leaves one package per install when package-lock.json, the hidden lockfile and node_modules agree', async () => {
    // npm >= 7 writes both lockfiles and the manifests: without this step each package shows
    // three times. Manifests here are the lockfile's own entries (name and version only).
    const lock = await fixture('trivy', 'package-lock_v2.json');
    const packages = (
      JSON.parse(lock.toString('utf8')) as {
        packages: Record<string, { version?: string; dev?: boolean }>;
      }
    ).packages;
    const files: Record<string, Buffer | string> = {
      'srv/app/package-lock.json': lock,
      'srv/app/node_modules/.package-lock.json': lock,
    };
    for (const [key, entry] of Object.entries(packages)) {
      if (!key.startsWith('node_modules/') || !entry.version) continue;
      files[`srv/app/${key}/package.json`] = JSON.stringify({
        name: key.split('node_modules/').pop(),
        version: entry.version,
      });
    }
    // The npm cataloger's refine step runs in the catalog build: the image lists each install once.
    const catalog = await catalogFiles(files);
    const installedCount = Object.keys(files).filter((path) =>
      path.endsWith('/package.json'),
    ).length;
    expect(
      catalog.packages
        .map((p) => p.locations[0]?.path)
        .filter((path) => path?.endsWith('lock.json')),
    ).toEqual([]);
    expect(catalog.packages).toHaveLength(installedCount);
    expect(dropLockfileDuplicates(catalog.packages)).toEqual(catalog.packages);
  });
});

describe('dropProjectManifests: package.json files outside node_modules', () => {
  const yarnManifest = (): Promise<Buffer> =>
    readFile(new URL('./__fixtures__/yarn-1.22.22/package.json', import.meta.url));
  const app = (name: string, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ name, version: '1.0.0', ...extra });

  it("reports an unpacked release (the node images' /opt/yarn-v1.22.22) and drops projects", async () => {
    const yarn = await yarnManifest();
    const expected = JSON.parse(yarn.toString('utf8')) as { name: string; version: string };
    const catalog = await catalogFiles({
      'opt/yarn-v1.22.22/package.json': yarn,
      'opt/yarn-v1.22.22/LICENSE': await readFile(
        new URL('./__fixtures__/yarn-1.22.22/LICENSE', import.meta.url),
      ),
      // A project with installed dependencies: its own manifest is not a package.
      'app/package.json': app('my-app'),
      'app/node_modules/cowsay/package.json': await cowsayManifest(),
      // A workspace member of a project with a lockfile (no node_modules of its own).
      'srv/mono/package-lock.json': await fixture('syft', 'pkg-lock', 'package-lock.json'),
      'srv/mono/packages/api/package.json': app('@mono/api'),
      // A private manifest and a template without a version are not packages either.
      'usr/share/tool/package.json': app('tool-internals', { private: true }),
      'usr/share/skeleton/package.json': JSON.stringify({ name: 'skeleton' }),
    });
    const npm = catalog.packages.filter((p) => p.type === 'npm');
    const outside = npm.filter((p) => !p.locations[0]?.path.includes('node_modules/'));
    expect(
      outside
        .filter((p) => !p.locations[0]?.path.endsWith('lock.json'))
        .map((p) => [p.purl, p.locations.map((l) => l.path)]),
    ).toEqual([
      [`pkg:npm/${expected.name}@${expected.version}`, ['opt/yarn-v1.22.22/package.json']],
    ]);
    const yarnPackage = npm.find((p) => p.name === 'yarn');
    expect(yarnPackage?.licenses).toEqual(['BSD-2-Clause']);
    expect(npm.map((p) => p.name)).toContain('cowsay');
  });

  it('drops only the project manifest location of a package also found elsewhere', () => {
    const base = { type: 'npm' as const, name: 'x', version: '1.0.0', cataloger: 'npm' };
    const at = (path: string) => ({
      path,
      layerDiffId: undefined,
      layerDigest: undefined,
      layerIndex: 0,
    });
    const packages = [
      {
        ...base,
        id: 'a',
        purl: 'pkg:npm/x@1.0.0',
        locations: [at('app/package.json'), at('opt/x/package.json')],
      },
      {
        ...base,
        id: 'b',
        name: 'y',
        purl: 'pkg:npm/y@1.0.0',
        locations: [at('app/node_modules/y/package.json')],
      },
    ];
    expect(
      dropProjectManifests(packages).map((p) => [p.id, p.locations.map((l) => l.path)]),
    ).toEqual([
      ['a', ['opt/x/package.json']],
      ['b', ['app/node_modules/y/package.json']],
    ]);
  });
});
