import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogFiles, sharedFixture } from '../../testing/index.js';
import { dropLockfileDuplicates } from './index.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'npm', ...parts));

describe('dropLockfileDuplicates', () => {
  it('keeps one entry per installed package and the lockfile-only ones', async () => {
    // syft's pkg-lock project: package-lock.json plus two of its packages installed.
    const catalog = await catalogFiles({
      'app/package-lock.json': await fixture('syft', 'pkg-lock', 'package-lock.json'),
      'app/node_modules/cowsay/package.json': await fixture(
        'syft',
        'pkg-lock',
        'node_modules',
        'cowsay',
        'package.json',
      ),
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
    const before = catalog.packages
      .filter((p) => p.purl === 'pkg:npm/cowsay@1.4.0')
      .map((p) => p.locations[0]?.path)
      .sort();
    expect(before).toEqual([
      'app/node_modules/cowsay/package.json',
      'app/package-lock.json',
      'other/package-lock.json',
    ]);
    const after = dropLockfileDuplicates(catalog.packages);
    const cowsay = after
      .filter((p) => p.purl === 'pkg:npm/cowsay@1.4.0')
      .map((p) => p.locations[0]?.path)
      .sort();
    // The app's lockfile entry goes (installed right there); another project's lockfile stays.
    expect(cowsay).toEqual(['app/node_modules/cowsay/package.json', 'other/package-lock.json']);
    expect(after.filter((p) => p.locations[0]?.path === 'app/package-lock.json').length).toBe(
      catalog.packages.filter((p) => p.locations[0]?.path === 'app/package-lock.json').length - 2,
    );
  });
});
