import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import * as Module from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFiles, repoRoot } from '../../testing/index.js';
import { npmCataloger } from './index.js';

/** Every package.json under a node_modules tree, as image paths under `app/`. */
async function manifests(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !entry.isSymbolicLink()) out.push(...(await manifests(path)));
    else if (entry.isFile() && entry.name === 'package.json') out.push(path);
  }
  return out;
}

/** Node's own list of folders it searches from `folder` (module.js `_nodeModulePaths`). */
function nodeModulePaths(folder: string): string[] {
  const internals = Module.Module as unknown as { _nodeModulePaths(from: string): string[] };
  return internals._nodeModulePaths(folder);
}

const declared = (manifest: Record<string, unknown>): string[] => [
  ...new Set(
    ['dependencies', 'optionalDependencies', 'peerDependencies'].flatMap((field) =>
      Object.keys((manifest[field] ?? {}) as Record<string, unknown>),
    ),
  ),
];

describe("npm dependencies follow Node's node_modules lookup", () => {
  it("links each installed package of this repository's own node_modules as Node would load it", async () => {
    const root = join(repoRoot, 'node_modules');
    const files: Record<string, Buffer> = {};
    for (const path of await manifests(root))
      files[`app/${relative(repoRoot, path)}`] = await readFile(path);
    const catalog = await catalogFiles(files, [npmCataloger]);
    const installed = catalog.packages.filter((p) =>
      p.locations[0]?.path.includes('node_modules/'),
    );
    const folderOf = new Map(
      installed.map((p) => [p.id, (p.locations[0]?.path ?? '').replace(/\/package\.json$/u, '')]),
    );
    const ours = installed
      .flatMap((p) =>
        (p.dependsOn ?? []).map((id) => `${folderOf.get(p.id)} -> ${folderOf.get(id)}`),
      )
      .sort();

    // The reference: each package's declared names, looked up where Node looks, on disk.
    const expected: string[] = [];
    for (const pkg of installed) {
      const folder = folderOf.get(pkg.id) ?? '';
      const onDisk = join(repoRoot, folder.slice('app/'.length));
      const manifest = JSON.parse(await readFile(join(onDisk, 'package.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      for (const name of declared(manifest)) {
        const hit = nodeModulePaths(onDisk)
          .filter((dir) => dir.startsWith(`${repoRoot}/`))
          .map((dir) => join(dir, name))
          .find((dir) => existsSync(join(dir, 'package.json')));
        if (hit) expected.push(`${folder} -> app/${relative(repoRoot, hit)}`);
      }
    }
    expected.sort();
    expect(installed.length).toBeGreaterThan(100);
    expect(expected.length).toBeGreaterThan(installed.length);
    expect(ours).toEqual(expected);
  });
});
