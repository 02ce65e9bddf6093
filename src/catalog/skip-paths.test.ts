import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFiles, dependencyEdges, repoRoot } from '../testing/index.js';
import { npmCataloger } from './npm/index.js';
import { pathSkipper, skipPaths } from './skip-paths.js';

describe('pathSkipper', () => {
  it('takes folders with everything under them, and file globs, over image paths', () => {
    const skipped = pathSkipper({ dirs: ['/usr/lib/node_modules/', '**/test'], files: ['*.lock'] });
    expect(skipped?.('usr/lib/node_modules/a/package.json')).toBe(true);
    expect(skipped?.('usr/lib/node_modules_old/a/package.json')).toBe(false);
    expect(skipped?.('app/test/fixtures/Gemfile.lock')).toBe(true);
    expect(skipped?.('app/.hidden/test/x.json')).toBe(true);
    expect(skipped?.('Gemfile.lock')).toBe(true);
    expect(skipped?.('app/Gemfile.lock')).toBe(false); // `*` stays within a segment
    expect(pathSkipper({ dirs: [' ', '/'], files: [] })).toBeUndefined();
  });
});

describe('skipPaths', () => {
  // Real packages: ajv and the four it depends on, as this repository's node_modules holds them.
  const names = [
    'ajv',
    'fast-deep-equal',
    'fast-uri',
    'json-schema-traverse',
    'require-from-string',
  ];

  async function catalog() {
    const files: Record<string, Buffer> = {};
    for (const name of names) {
      files[`app/node_modules/${name}/package.json`] = await readFile(
        join(repoRoot, 'node_modules', name, 'package.json'),
      );
    }
    // A second copy of one dependency elsewhere in the image.
    files['opt/tool/node_modules/fast-uri/package.json'] = files[
      'app/node_modules/fast-uri/package.json'
    ] as Buffer;
    return catalogFiles(files, [npmCataloger]);
  }

  it('leaves out what lies in skipped paths, and the edges to it', async () => {
    const whole = await catalog();
    const ajv = whole.packages.find((p) => p.name === 'ajv');
    expect(ajv?.dependsOn).toHaveLength(4);

    const skipped = skipPaths(whole, {
      dirs: ['app/node_modules/json-schema-traverse'],
      files: ['**/require-from-string/package.json'],
    });
    expect(skipped.packages.map((p) => p.name).sort()).toEqual([
      'ajv',
      'fast-deep-equal',
      'fast-uri',
      'fast-uri',
    ]);
    const ids = new Set(skipped.packages.map((p) => p.id));
    expect(skipped.packages.flatMap((p) => p.dependsOn ?? []).every((id) => ids.has(id))).toBe(
      true,
    );
    expect(
      dependencyEdges(skipped.packages).filter((edge) => edge.startsWith('ajv@')),
    ).toHaveLength(2);
    // The whole catalog is untouched.
    expect(whole.packages).toHaveLength(6);
  });

  it('keeps a package found in several places by the places that are not skipped', async () => {
    const whole = await catalog();
    const skipped = skipPaths(whole, { dirs: ['opt'], files: [] });
    expect(skipped.packages.filter((p) => p.name === 'fast-uri')).toHaveLength(1);
    expect(
      skipped.packages
        .flatMap((p) => p.locations.map((l) => l.path))
        .some((path) => path.startsWith('opt/')),
    ).toBe(false);
    expect(skipPaths(whole, { dirs: [], files: [] })).toBe(whole);
    // An SBOM from another tool may record no location: nothing puts it in a skipped path.
    const placeless = { ...whole, packages: whole.packages.map((p) => ({ ...p, locations: [] })) };
    expect(skipPaths(placeless, { dirs: ['**'], files: ['**'] }).packages).toHaveLength(6);
  });
});
