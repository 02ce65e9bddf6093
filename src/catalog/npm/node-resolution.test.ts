import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import * as Module from 'node:module';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFiles, dependencyEdges, repoRoot, useTempDir } from '../../testing/index.js';
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

describe("npm dependencies in pnpm's symlinked node_modules", () => {
  const scratch = useTempDir('lockyard-pnpm-layout-');

  it('follows the links of .pnpm/<id>/node_modules/<dep> to the real folders, as Node does', async () => {
    // pnpm's layout (https://pnpm.io/symlinked-node-modules-structure): each package in
    // .pnpm/<name>@<version>/node_modules/<name>, its dependencies as links beside it. Two
    // versions of b: a@1 needs b@2, d@1 needs b@1.
    const manifest = (name: string, version: string, dependencies: Record<string, string> = {}) =>
      JSON.stringify({ name, version, dependencies });
    const store = 'app/node_modules/.pnpm';
    const files: Record<string, string> = {
      [`${store}/a@1.0.0/node_modules/a/package.json`]: manifest('a', '1.0.0', { b: '^2' }),
      [`${store}/b@2.0.0/node_modules/b/package.json`]: manifest('b', '2.0.0', { c: '^1' }),
      [`${store}/b@1.0.0/node_modules/b/package.json`]: manifest('b', '1.0.0'),
      [`${store}/c@1.0.0/node_modules/c/package.json`]: manifest('c', '1.0.0'),
      [`${store}/d@1.0.0/node_modules/d/package.json`]: manifest('d', '1.0.0', { b: '^1' }),
    };
    const links: Record<string, string> = {
      'app/node_modules/a': '.pnpm/a@1.0.0/node_modules/a',
      'app/node_modules/d': '.pnpm/d@1.0.0/node_modules/d',
      [`${store}/a@1.0.0/node_modules/b`]: '../../b@2.0.0/node_modules/b',
      [`${store}/b@2.0.0/node_modules/c`]: '../../c@1.0.0/node_modules/c',
      [`${store}/d@1.0.0/node_modules/b`]: '../../b@1.0.0/node_modules/b',
    };
    const catalog = await catalogFiles(
      [
        ...Object.entries(files).map(([name, content]) => ({ name, content })),
        ...Object.entries(links).map(([name, linkname]) => ({
          name,
          type: 'symlink' as const,
          linkname,
        })),
      ],
      [npmCataloger],
    );
    const folderOf = (p: { locations: readonly { path: string }[] }): string =>
      (p.locations[0]?.path ?? '').replace(/\/package\.json$/u, '');
    const ours = dependencyEdges(catalog.packages, folderOf);

    // The reference: the same tree on disk, and Node's own search list and realpath.
    const root = join(scratch, 'tree');
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    for (const [path, target] of Object.entries(links)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await symlink(target, join(root, path));
    }
    const expected: string[] = [];
    for (const path of Object.keys(files)) {
      const folder = dirname(join(root, path));
      const deps = Object.keys(
        (JSON.parse(files[path] ?? '{}') as { dependencies: Record<string, string> }).dependencies,
      );
      for (const name of deps) {
        const hit = nodeModulePaths(folder)
          .filter((dir) => dir.startsWith(`${root}/`))
          .map((dir) => join(dir, name))
          .find((dir) => existsSync(join(dir, 'package.json')));
        if (hit)
          expected.push(`${dirname(path)} -> ${relative(realpathSync(root), realpathSync(hit))}`);
      }
    }
    expect(expected.sort()).toEqual([
      `${store}/a@1.0.0/node_modules/a -> ${store}/b@2.0.0/node_modules/b`,
      `${store}/b@2.0.0/node_modules/b -> ${store}/c@1.0.0/node_modules/c`,
      `${store}/d@1.0.0/node_modules/d -> ${store}/b@1.0.0/node_modules/b`,
    ]);
    expect(ours).toEqual(expected.sort());
  });
});
