import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFiles, repoRoot, sharedFixture } from '../testing/index.js';
import { selectPackageKinds } from './narrow.js';
import { OS_PACKAGE_TYPES } from './types.js';

describe('selectPackageKinds (--pkg-types)', () => {
  it('keeps the distribution packages (os) or the language ones (library), with their edges', async () => {
    // A real apk database and a real npm package with its dependencies.
    const files: Record<string, Buffer> = {
      'lib/apk/db/installed': await readFile(sharedFixture('pkgdb', 'apk', 'scalibr', 'installed')),
    };
    for (const name of [
      'ajv',
      'fast-deep-equal',
      'fast-uri',
      'json-schema-traverse',
      'require-from-string',
    ])
      files[`app/node_modules/${name}/package.json`] = await readFile(
        join(repoRoot, 'node_modules', name, 'package.json'),
      );
    const whole = await catalogFiles(files);
    const os = whole.packages.filter((p) => OS_PACKAGE_TYPES.has(p.type));
    const library = whole.packages.filter((p) => !OS_PACKAGE_TYPES.has(p.type));
    expect(os.length).toBeGreaterThan(5);
    expect(library).toHaveLength(5);

    const onlyOs = selectPackageKinds(whole, ['os']);
    expect(onlyOs.packages.map((p) => p.id)).toEqual(os.map((p) => p.id));
    expect(onlyOs.packages.filter((p) => p.dependsOn).length).toBeGreaterThan(0);
    const onlyLibrary = selectPackageKinds(whole, ['library']);
    expect(onlyLibrary.packages.map((p) => p.id)).toEqual(library.map((p) => p.id));
    expect(onlyLibrary.packages.find((p) => p.name === 'ajv')?.dependsOn).toHaveLength(4);
    expect(selectPackageKinds(whole, ['os', 'library'])).toBe(whole);
  });
});
