import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogFiles, dependencyEdges, sharedFixture } from '../../testing/index.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import type { PackageRecord } from '../types.js';
import { dotnetCataloger } from './index.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'dotnet', ...parts));
const header = (path: string) => ({ path, type: 'file' as const, mode: 0o644, size: 100 });
const ids = (records: readonly PackageRecord[] | undefined): string[] =>
  (records ?? []).map((r) => `${r.name}@${r.version}`).sort();

interface DepsJson {
  runtimeTarget: { name: string };
  targets: Record<string, Record<string, Record<string, unknown>>>;
  libraries: Record<string, { type: string }>;
}

/**
 * Independent reading of a deps.json: every `package` / `runtimepack` library (prefix dropped),
 * except those whose runtime-target entry is present but lists no assets and no dependencies.
 */
function depsExpected(content: Buffer): string[] {
  const deps = JSON.parse(content.toString('utf8')) as DepsJson;
  const target = deps.targets[deps.runtimeTarget.name] ?? {};
  return Object.entries(deps.libraries)
    .filter(([key, lib]) => {
      if (lib.type !== 'package' && lib.type !== 'runtimepack') return false;
      const entry = target[key];
      return entry === undefined || Object.keys(entry).some((field) => field !== 'compile');
    })
    .map(([key]) => key.replace(/^runtimepack\./, '').replace('/', '@'))
    .sort();
}

runCatalogerContract(dotnetCataloger, [
  {
    path: 'app/VulnApp.deps.json',
    content: await fixture('snyk-docker-plugin', 'VulnApp.deps.json'),
  },
  {
    path: 'app/ExampleApp1.deps.json',
    content: await fixture('trivy', 'self-contained.deps.json'),
  },
  { path: 'src/app/packages.lock.json', content: await fixture('syft', 'packages.lock.json') },
]);

describe('deps.json', () => {
  it.each([
    ['snyk-docker-plugin', 'VulnApp.deps.json'],
    ['syft', 'TestLibrary.deps.json'],
    ['syft', 'net8-app-single-file.deps.json'],
    ['trivy', 'self-contained.deps.json'],
  ])('%s/%s', async (...parts) => {
    const content = await fixture(...parts);
    const result = await dotnetCataloger.parse({ ...header(`app/${parts[1]}`), content });
    expect(result.warnings).toBeUndefined();
    expect(ids(result.packages)).toEqual(depsExpected(content));
  });

  it('drops packages the runtime target lists with no assets, keeps the app direct/indirect split', async () => {
    const result = await dotnetCataloger.parse({
      ...header('app/VulnApp.deps.json'),
      content: await fixture('snyk-docker-plugin', 'VulnApp.deps.json'),
    });
    // System.Runtime.CompilerServices.Unsafe/6.0.0 is `{}` under net8.0: the framework provides it.
    expect(ids(result.packages)).not.toContain('System.Runtime.CompilerServices.Unsafe@6.0.0');
    expect(result.packages?.find((r) => r.name === 'AutoMapper')?.metadata).toEqual({
      direct: true,
    });
    expect(
      result.packages?.find((r) => r.name === 'Microsoft.Extensions.Options')?.metadata,
    ).toEqual({ direct: false });
  });

  it('reports the bundled runtime of a self-contained app under its NuGet name (as Trivy does)', async () => {
    // The SDK lists the runtime packs as dependencies of the app project itself: direct.
    const result = await dotnetCataloger.parse({
      ...header('app/ExampleApp1.deps.json'),
      content: await fixture('trivy', 'self-contained.deps.json'),
    });
    expect(result.packages?.map((r) => [r.name, r.version, r.metadata])).toEqual([
      ['Newtonsoft.Json', '13.0.1', { direct: true }],
      ['Microsoft.NETCore.App.Runtime.linux-x64', '8.0.0', { direct: true, runtimePack: true }],
      ['Microsoft.AspNetCore.App.Runtime.linux-x64', '8.0.0', { direct: true, runtimePack: true }],
    ]);
  });

  it('warns on malformed documents and entries', async () => {
    const parse = async (text: string) =>
      dotnetCataloger.parse({ ...header('a.deps.json'), content: Buffer.from(text) });
    expect((await parse('{')).warnings?.[0]).toMatch(/not valid JSON/);
    expect((await parse('{"libraries": []}')).warnings).toEqual([
      'deps.json has no "libraries" object',
    ]);
    const bad = await parse(
      '{"libraries": {"NoVersion": {"type": "package"}, "A/1.0": {"type": 3}, "B/2.0": {"type": "package"}}}',
    );
    expect(ids(bad.packages)).toEqual(['B@2.0']);
    expect(bad.warnings).toEqual([
      'libraries["NoVersion"] skipped: not "Name/Version"',
      'libraries["A/1.0"] skipped: field "type" missing or not a string',
    ]);
  });
});

describe('packages.lock.json', () => {
  /** Independent reading: every non-Project dependency of every framework, name@resolved, once. */
  const lockExpected = (content: Buffer): string[] => {
    const lock = JSON.parse(content.toString('utf8')) as {
      dependencies: Record<string, Record<string, { type: string; resolved: string }>>;
    };
    const found = new Set<string>();
    for (const deps of Object.values(lock.dependencies))
      for (const [name, d] of Object.entries(deps))
        if (d.type !== 'Project') found.add(`${name}@${d.resolved}`);
    return [...found].sort();
  };

  it.each([
    ['syft', 'packages.lock.json'],
    ['syft', 'image-net8-app', 'packages.lock.json'],
    ['trivy', 'packages_lock_multi.json'],
  ])('%s/%s', async (...parts) => {
    const content = await fixture(...parts);
    const result = await dotnetCataloger.parse({ ...header('src/packages.lock.json'), content });
    expect(result.warnings).toBeUndefined();
    expect(ids(result.packages)).toEqual(lockExpected(content));
    const lock = JSON.parse(content.toString('utf8')) as {
      dependencies: Record<string, Record<string, { type: string }>>;
    };
    const directNames = new Set(
      Object.values(lock.dependencies).flatMap((deps) =>
        Object.entries(deps)
          .filter(([, d]) => d.type === 'Direct')
          .map(([name]) => name),
      ),
    );
    expect(
      new Set(result.packages?.filter((r) => r.metadata?.['direct'] === true).map((r) => r.name)),
    ).toEqual(directNames);
  });
});

describe('dotnet claims', () => {
  it.each([
    'app/VulnApp.deps.json',
    'VulnApp.deps.json',
    'src/packages.lock.json',
    'packages.lock.json',
  ])('claims %s', (path) => {
    expect(dotnetCataloger.claims(header(path))).toBe(true);
  });
  it.each([
    'app/.deps.json',
    'app/deps.json',
    'app/mypackages.lock.json',
    'app/VulnApp.runtimeconfig.json',
  ])('does not claim %s', (path) => {
    expect(dotnetCataloger.claims(header(path))).toBe(false);
  });
});

describe('dotnet end to end through a real image', () => {
  it('reports NuGet packages with purls and locations', async () => {
    const catalog = await catalogFiles({
      'app/VulnApp.deps.json': await fixture('snyk-docker-plugin', 'VulnApp.deps.json'),
    });
    const nuget = catalog.packages.filter((p) => p.type === 'nuget');
    expect(nuget.map((p) => p.purl).sort()).toEqual([
      'pkg:nuget/AutoMapper@13.0.1',
      'pkg:nuget/Microsoft.Extensions.DependencyInjection.Abstractions@6.0.0',
      'pkg:nuget/Microsoft.Extensions.Options@6.0.0',
      'pkg:nuget/Microsoft.Extensions.Primitives@6.0.0',
    ]);
    expect(nuget[0]?.locations.map((l) => [l.path, l.layerIndex])).toEqual([
      ['app/VulnApp.deps.json', 0],
    ]);
  });
});

describe('dotnet dependencies', () => {
  it.each([
    ['syft', 'TestLibrary.deps.json'],
    ['snyk-docker-plugin', 'VulnApp.deps.json'],
    ['trivy', 'self-contained.deps.json'],
  ])(
    'links each library to what its runtime-target entry depends on (%s/%s)',
    async (dir, file) => {
      const content = await fixture(dir, file);
      const catalog = await catalogFiles({ 'app/app.deps.json': content });
      const nuget = catalog.packages.filter((p) => p.type === 'nuget');
      const reported = new Set(depsExpected(content));
      const deps = JSON.parse(content.toString('utf8')) as DepsJson;
      const target = deps.targets[deps.runtimeTarget.name] ?? {};
      const expected = Object.entries(target)
        .map(
          ([key, entry]) => [key.replace(/^runtimepack\./, '').replace('/', '@'), entry] as const,
        )
        .filter(([id]) => reported.has(id))
        .flatMap(([id, entry]) =>
          Object.entries((entry['dependencies'] ?? {}) as Record<string, string>)
            .map(([name, version]) => `${name.replace(/^runtimepack\./, '')}@${version}`)
            .filter((dep) => reported.has(dep))
            .map((dep) => `${id} -> ${dep}`),
        )
        .sort();
      expect(dependencyEdges(nuget)).toEqual(expected);
      if (file === 'TestLibrary.deps.json') expect(expected.length).toBeGreaterThan(5);
    },
  );

  it('has edges on a real app (Microsoft.Extensions.Options needs its Primitives)', async () => {
    const catalog = await catalogFiles({
      'app/VulnApp.deps.json': await fixture('snyk-docker-plugin', 'VulnApp.deps.json'),
    });
    const byId = new Map(catalog.packages.map((p) => [p.id, p.name]));
    const options = catalog.packages.find((p) => p.name === 'Microsoft.Extensions.Options');
    expect((options?.dependsOn ?? []).map((id) => byId.get(id))).toContain(
      'Microsoft.Extensions.Primitives',
    );
  });
});
