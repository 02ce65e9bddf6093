import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOciLayout } from '../../oci/index.js';
import {
  catalogFiles,
  catalogImageDir,
  dependencyEdges,
  sharedFixture,
} from '../../testing/index.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import { createNpmCataloger, npmCataloger } from './index.js';
import { isInstalledPackageJson, lockfileKind } from './paths.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'npm', ...parts));
const header = (path: string) => ({ path, type: 'file' as const, mode: 0o644, size: 100 });

runCatalogerContract(npmCataloger, [
  {
    path: 'app/node_modules/yaml/package.json',
    content: await fixture(
      'snyk-docker-plugin',
      'home',
      'app',
      'node_modules',
      'yaml',
      'package.json',
    ),
  },
  {
    path: 'app/node_modules/@actions/core/package.json',
    content: await fixture('syft', 'pkg-lock', 'node_modules', '@actions', 'core', 'package.json'),
  },
  { path: 'app/package-lock.json', content: await fixture('trivy', 'package-lock_v3.json') },
  { path: 'app/npm-shrinkwrap.json', content: await fixture('trivy', 'package-lock_v1.json') },
  {
    path: 'app/node_modules/.package-lock.json',
    content: await fixture('trivy', 'package-lock_v2.json'),
  },
  { path: 'app/yarn.lock', content: await fixture('trivy', 'yarn_happy.lock') },
  { path: 'yarn.lock', content: await fixture('trivy', 'yarn_v2_happy.lock') },
  { path: 'srv/pnpm-lock.yaml', content: await fixture('trivy', 'pnpm-lock_v9.yaml') },
]);

describe('npm claims', () => {
  it.each([
    'node_modules/a/package.json',
    'usr/local/lib/node_modules/npm/package.json',
    'usr/local/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json',
    'app/node_modules/a/node_modules/b/node_modules/@s/c/package.json',
    'app/node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/package.json',
    'app/node_modules/.pnpm/@types+node@20.1.0/node_modules/@types/node/package.json',
  ])('claims installed manifest %s', (path) => {
    expect(isInstalledPackageJson(path)).toBe(true);
    expect(npmCataloger.claims(header(path))).toBe(true);
  });

  it.each([
    'app/package.json',
    'opt/yarn-v1.22.22/package.json',
    'usr/local/share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager/package.json',
  ])('claims %s outside node_modules (a project or an unpacked package)', (path) => {
    expect(npmCataloger.claims(header(path))).toBe(true);
  });

  it.each([
    'package.json',
    'app/test/fixtures/package.json',
    'app/my_node_modules/a/test/package.json',
    'app/node_modules/a/test/fixtures/node_modules/b/package.json',
    'app/node_modules/a/benchmark/package.json',
    'app/node_modules/a/package.json.bak',
    'app/node_modules/a/package-lock.json',
    'app/node_modules/a/yarn.lock',
    'app/node_modules/a/node_modules/.package-lock.json/x',
    'app/old-yarn.lock',
  ])('does not claim %s', (path) => {
    expect(npmCataloger.claims(header(path))).toBe(false);
  });

  it.each([
    ['app/node_modules/a/lib/package.json', { name: 'lib', version: '1.0.0', private: true }],
    [
      'app/node_modules/terser/dist/package.json',
      { name: 'dist', version: '1.0.0', private: true },
    ],
    ['app/node_modules/x/sub/package.json', { name: 'other', version: '1.0.0' }],
    ['app/node_modules/@scope/package.json', { name: '@scope', version: '1.0.0' }],
  ])(
    'claims %s inside a package but makes no package of a private marker or a misnamed manifest',
    async (path, manifest) => {
      expect(npmCataloger.claims(header(path))).toBe(true);
      const content = Buffer.from(JSON.stringify(manifest));
      expect(
        (await npmCataloger.parse({ ...header(path), size: content.length, content })).packages ??
          [],
      ).toEqual([]);
    },
  );

  it('reports a vendored copy whose folder drops punctuation (bson/vendor/base64 holds base-64)', async () => {
    const path = 'app/node_modules/bson/vendor/base64/package.json';
    const content = Buffer.from(JSON.stringify({ name: 'base-64', version: '1.0.0' }));
    const [record] =
      (await npmCataloger.parse({ ...header(path), size: content.length, content })).packages ?? [];
    expect(record).toMatchObject({ name: 'base-64', version: '1.0.0' });
  });

  it('reports a vendored copy of a published package (next bundles @vercel/og)', async () => {
    const path = 'app/node_modules/next/dist/compiled/@vercel/og/package.json';
    const content = Buffer.from(JSON.stringify({ name: '@vercel/og', version: '0.6.4' }));
    expect(npmCataloger.claims(header(path))).toBe(true);
    const [record] =
      (await npmCataloger.parse({ ...header(path), size: content.length, content })).packages ?? [];
    expect(record).toMatchObject({
      name: 'og',
      namespace: '@vercel',
      version: '0.6.4',
      metadata: { vendored: true },
    });
  });

  it('knows each lockfile by name', () => {
    expect(lockfileKind('app/package-lock.json')).toBe('package-lock.json');
    expect(lockfileKind('npm-shrinkwrap.json')).toBe('npm-shrinkwrap.json');
    expect(lockfileKind('app/node_modules/.package-lock.json')).toBe('hidden');
    expect(lockfileKind('app/yarn.lock')).toBe('yarn.lock');
    expect(lockfileKind('app/pnpm-lock.yaml')).toBe('pnpm-lock.yaml');
  });
});

describe('installed package.json', () => {
  // Expected name/version/license read straight from each manifest with JSON.parse.
  it.each([
    [
      ['snyk-docker-plugin', 'home', 'app', 'node_modules', 'yaml', 'package.json'],
      'app/node_modules/yaml/package.json',
    ],
    [
      [
        'snyk-docker-plugin',
        'home',
        'app',
        'node_modules',
        'z-schema',
        'node_modules',
        'commander',
        'package.json',
      ],
      'app/node_modules/z-schema/node_modules/commander/package.json',
    ],
    [
      ['syft', 'pkg-lock', 'node_modules', '@actions', 'core', 'package.json'],
      'app/node_modules/@actions/core/package.json',
    ],
    [['scalibr', 'undici-package.json'], 'app/node_modules/undici/package.json'],
    [['trivy', 'package.json'], 'app/node_modules/bootstrap/package.json'],
  ])('%j', async (parts, path) => {
    const content = await fixture(...parts);
    const manifest = JSON.parse(content.toString('utf8')) as {
      name: string;
      version: string;
      license: string;
    };
    const result = await npmCataloger.parse({ ...header(path), content });
    expect(result.warnings).toBeUndefined();
    const [record] = result.packages ?? [];
    const [scope, bare] = manifest.name.startsWith('@')
      ? manifest.name.split('/')
      : [undefined, manifest.name];
    expect(record).toMatchObject({
      type: 'npm',
      name: bare,
      version: manifest.version,
      licenses: [manifest.license],
    });
    expect(record?.namespace).toBe(scope);
  });

  it('reads the legacy licence object forms and SPDX expressions', async () => {
    const parse = async (json: object) =>
      (
        await npmCataloger.parse({
          ...header('node_modules/x/package.json'),
          content: Buffer.from(JSON.stringify(json)),
        })
      ).packages?.[0]?.licenses;
    expect(
      await parse({ name: 'x', version: '1.0.0', license: { type: 'MIT', url: 'u' } }),
    ).toEqual(['MIT']);
    expect(
      await parse({
        name: 'x',
        version: '1.0.0',
        licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }],
      }),
    ).toEqual(['MIT', 'Apache-2.0']);
    expect(await parse({ name: 'x', version: '1.0.0', license: '(MIT OR  Apache-2.0)' })).toEqual([
      'MIT OR Apache-2.0',
    ]);
    expect(
      await parse({ name: 'x', version: '1.0.0', license: 'SEE LICENSE IN LICENSE.md' }),
    ).toEqual(['SEE LICENSE IN LICENSE.md']);
  });

  it('warns, naming the field, on manifests without a usable name or version', async () => {
    const parse = async (text: string) =>
      npmCataloger.parse({ ...header('node_modules/x/package.json'), content: Buffer.from(text) });
    expect((await parse('{"name": "x"}')).warnings).toEqual([
      'package.json skipped: field "version": Invalid input: expected string, received undefined',
    ]);
    expect((await parse('{"name": 7, "version": "1"}')).warnings?.[0]).toContain('field "name"');
    expect((await parse('{"name": "a b", "version": "1"}')).warnings?.[0]).toContain(
      'not a package name',
    );
    expect((await parse('{')).warnings?.[0]).toMatch(/not valid JSON/);
  });
});

describe('npm end to end through a real image', () => {
  it('reports installed packages with purls, locations and the layer', async () => {
    const catalog = await catalogFiles({
      'home/app/node_modules/yaml/package.json': await fixture(
        'snyk-docker-plugin',
        'home',
        'app',
        'node_modules',
        'yaml',
        'package.json',
      ),
      'home/app/node_modules/z-schema/package.json': await fixture(
        'snyk-docker-plugin',
        'home',
        'app',
        'node_modules',
        'z-schema',
        'package.json',
      ),
      'home/app/node_modules/z-schema/node_modules/commander/package.json': await fixture(
        'snyk-docker-plugin',
        'home',
        'app',
        'node_modules',
        'z-schema',
        'node_modules',
        'commander',
        'package.json',
      ),
      'home/app/node_modules/@actions/core/package.json': await fixture(
        'syft',
        'pkg-lock',
        'node_modules',
        '@actions',
        'core',
        'package.json',
      ),
      'home/app/node_modules/z-schema/test/package.json': '{"name":"fixture","version":"0.0.0"}',
    });
    const npm = catalog.packages.filter((p) => p.type === 'npm');
    expect(npm.map((p) => [p.purl, p.locations.map((l) => l.path)]).sort()).toEqual([
      ['pkg:npm/%40actions/core@1.6.0', ['home/app/node_modules/@actions/core/package.json']],
      [
        'pkg:npm/commander@2.20.3',
        ['home/app/node_modules/z-schema/node_modules/commander/package.json'],
      ],
      ['pkg:npm/yaml@1.10.2', ['home/app/node_modules/yaml/package.json']],
      ['pkg:npm/z-schema@3.25.1', ['home/app/node_modules/z-schema/package.json']],
    ]);
    for (const p of npm) {
      expect(p.cataloger).toBe('npm');
      expect(p.locations[0]?.layerIndex).toBe(0);
      expect(p.locations[0]?.layerDiffId).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it('reports lockfile packages without dev dependencies, and with them when configured', async () => {
    const files = {
      'srv/app/package-lock.json': await fixture('syft', 'pkg-lock', 'package-lock-3.json'),
    };
    const prod = (await catalogFiles(files)).packages.map((p) => p.purl).sort();
    expect(prod).toEqual([
      'pkg:npm/%40types/prop-types@15.7.5',
      'pkg:npm/%40types/react@18.0.20',
      'pkg:npm/%40types/scheduler@0.16.2',
      'pkg:npm/csstype@3.1.1',
    ]);
    const all = await catalogFiles(files, [createNpmCataloger({ includeDev: true })]);
    expect(all.packages.find((p) => p.name === 'async')).toMatchObject({
      purl: 'pkg:npm/async@3.2.4',
      metadata: { direct: true, dev: true },
    });
    expect(all.packages[0]?.locations[0]?.path).toBe('srv/app/package-lock.json');
  });

  it('follows layers: a later layer upgrades one package and deletes another', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockyard-npm-image-'));
    try {
      const yaml = await fixture(
        'snyk-docker-plugin',
        'home',
        'app',
        'node_modules',
        'yaml',
        'package.json',
      );
      const zSchema = await fixture(
        'snyk-docker-plugin',
        'home',
        'app',
        'node_modules',
        'z-schema',
        'package.json',
      );
      const upgraded = JSON.stringify({
        ...(JSON.parse(zSchema.toString('utf8')) as object),
        version: '5.0.6',
      });
      await writeOciLayout(dir, {
        layers: [
          {
            kind: 'entries',
            entries: [
              { name: 'app/node_modules/yaml/package.json', content: yaml },
              { name: 'app/node_modules/z-schema/package.json', content: zSchema },
            ],
          },
          {
            kind: 'entries',
            entries: [
              { name: 'app/node_modules/.wh.yaml', content: '' },
              { name: 'app/node_modules/z-schema/package.json', content: upgraded },
            ],
          },
        ],
      });
      const npm = (await catalogImageDir(dir)).packages.filter((p) => p.type === 'npm');
      expect(npm.map((p) => [p.purl, p.locations[0]?.layerIndex])).toEqual([
        ['pkg:npm/z-schema@5.0.6', 1],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('npm authors', () => {
  it.each([
    // The object form, with and without a url; the string form with a url only.
    [
      ['snyk-docker-plugin', 'home', 'app', 'node_modules', 'yaml', 'package.json'],
      'Eemeli Aro <eemeli@gmail.com>',
    ],
    [
      ['syft', 'pkg-lock', 'node_modules', 'cowsay', 'package.json'],
      'Fabio Crisci <piuccio@gmail.com>',
    ],
    [['trivy', 'package.json'], 'The Bootstrap Authors'],
    [['syft', 'pkg-lock', 'node_modules', '@actions', 'core', 'package.json'], undefined],
  ])('%j: %s', async (parts, author) => {
    const content = await fixture(...parts);
    const result = await npmCataloger.parse({
      ...header('app/node_modules/x/package.json'),
      size: content.length,
      content,
    });
    expect(result.packages?.[0]?.originator).toBe(author);
  });
});

describe('yarn.lock and pnpm-lock.yaml dependencies', () => {
  it.each([
    ['yarn_happy.lock', 'yarn.lock', 'trivy-yarn_happy-dependencies.json'],
    ['yarn_v2_happy.lock', 'yarn.lock', 'trivy-yarn_v2_happy-dependencies.json'],
    [
      'pnpm-lock_v6_with_dev.yaml',
      'pnpm-lock.yaml',
      'trivy-pnpm-lock_v6_with_dev-dependencies.json',
    ],
    ['pnpm-lock_many.yaml', 'pnpm-lock.yaml', 'trivy-pnpm-lock_many-dependencies.json'],
  ])('%s: each entry depends on what Trivy resolves it to', async (lock, as, reference) => {
    const catalog = await catalogFiles({ [`app/${as}`]: await fixture('trivy', lock) }, [
      npmCataloger,
    ]);
    const ours = dependencyEdges(catalog.packages);
    const trivy = JSON.parse(
      await readFile(new URL(`./__fixtures__/${reference}`, import.meta.url), 'utf8'),
    ) as string[];
    expect(trivy.length).toBeGreaterThan(3);
    expect(ours).toEqual(trivy);
  });
});

describe('pnpm-lock.yaml v9 dependencies', () => {
  it('reads them from snapshots, peer variants merged, tarball packages by their version', async () => {
    // Trivy's v9 fixture; the edges as its `snapshots` section lists them (the Trivy build we
    // compare with writes no graph for v9). `supports-color` is optional and not installed.
    const catalog = await catalogFiles(
      { 'app/pnpm-lock.yaml': await fixture('trivy', 'pnpm-lock_v9.yaml') },
      [npmCataloger],
    );
    expect(dependencyEdges(catalog.packages)).toEqual([
      'debug@4.3.4 -> ms@2.0.0',
      'debug@4.3.5 -> ms@2.1.2',
      'finalhandler@1.1.1 -> debug@4.3.4',
      'finalhandler@1.1.1 -> encodeurl@1.0.2',
      'finalhandler@1.1.1 -> escape-html@1.0.3',
      'finalhandler@1.1.1 -> on-finished@2.3.0',
      'finalhandler@1.1.1 -> parseurl@1.3.3',
      'finalhandler@1.1.1 -> statuses@1.4.0',
      'finalhandler@1.1.1 -> unpipe@1.0.0',
      'on-finished@2.3.0 -> ee-first@1.1.1',
      'promise@8.1.0 -> asap@2.0.6',
    ]);
  });
});
