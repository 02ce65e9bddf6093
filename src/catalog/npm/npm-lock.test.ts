import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFiles, dependencyEdges } from '../../testing/index.js';
import { sharedFixture } from '../../testing/fixtures.js';
import type { PackageRecord } from '../types.js';
import { npmCataloger } from './index.js';
import { parsePackageLock } from './package-lock.js';

const read = (...parts: string[]): string =>
  readFileSync(sharedFixture('pkgdb', 'npm', ...parts), 'utf8');
const ids = (records: readonly PackageRecord[] | undefined): string[] =>
  (records ?? [])
    .map((r) => `${r.namespace ? `${r.namespace}/` : ''}${r.name}@${r.version}`)
    .sort();

interface NpmLsNode {
  version?: string;
  missing?: boolean;
  dependencies?: Record<string, NpmLsNode>;
}

/**
 * The reference: npm itself (`npm ls --package-lock-only --omit=dev`) reading the lockfile
 * offline, flattened to the set of name@version it would install.
 */
function npmLs(lockfile: string): string[] {
  return npmLsTree(lockfile).nodes;
}

/** npm ls's tree of a lockfile: every name@version, and every parent -> child edge. */
function npmLsTree(lockfile: string): { nodes: string[]; edges: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'lockyard-npm-ls-'));
  try {
    writeFileSync(join(dir, 'package-lock.json'), lockfile);
    const out = execFileSync(
      'npm',
      ['ls', '--json', '--package-lock-only', '--all', '--omit=dev', '--offline'],
      {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const found = new Set<string>();
    const edges = new Set<string>();
    // A package npm lists again (deduped) has no children there: its first listing has them.
    const walk = (deps: Record<string, NpmLsNode> | undefined, parent?: string): void => {
      for (const [name, node] of Object.entries(deps ?? {})) {
        if (node.missing || !node.version) continue;
        const id = `${name}@${node.version}`;
        found.add(id);
        if (parent) edges.add(`${parent} -> ${id}`);
        walk(node.dependencies, id);
      }
    };
    walk((JSON.parse(out) as NpmLsNode).dependencies);
    return { nodes: [...found].sort(), edges: [...edges].sort() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Independent reading of a v1 lockfile: every nested `dependencies` entry not marked dev, whose
 * key is a package name (syft's fixture has a stray `node_modules/async` key npm would reject).
 */
function v1Expected(text: string, includeDev: boolean): string[] {
  const found = new Set<string>();
  type V1 = Record<string, { version: string; dev?: boolean; dependencies?: V1 }>;
  const walk = (deps: V1 | undefined): void => {
    for (const [name, entry] of Object.entries(deps ?? {})) {
      const isName = !name.includes('/') || (name.startsWith('@') && name.split('/').length === 2);
      if (isName && (includeDev || !entry.dev)) found.add(`${name}@${entry.version}`);
      walk(entry.dependencies);
    }
  };
  walk((JSON.parse(text) as { dependencies: V1 }).dependencies);
  return [...found].sort();
}

/** Independent reading of v2/v3 `packages`: installed (node_modules/) keys, not links, not dev. */
function v2Expected(text: string): string[] {
  const packages = (
    JSON.parse(text) as {
      packages: Record<string, { version?: string; name?: string; dev?: boolean; link?: boolean }>;
    }
  ).packages;
  const found = new Set<string>();
  for (const [key, entry] of Object.entries(packages)) {
    if (!key.includes('node_modules/') || entry.link || entry.dev) continue;
    found.add(`${entry.name ?? key.split('node_modules/').pop()}@${entry.version}`);
  }
  return [...found].sort();
}

describe('package-lock.json v2/v3', () => {
  it.each([
    ['trivy', 'package-lock_v2.json'],
    ['trivy', 'package-lock_v3.json'],
    ['syft', 'pkg-lock', 'package-lock-2.json'],
    ['syft', 'pkg-lock', 'package-lock-3.json'],
  ])('%s/%s matches npm ls', (...parts) => {
    const text = read(...parts);
    const result = parsePackageLock(text, { includeDev: false });
    expect(result.warnings).toBeUndefined();
    expect(ids(result.packages)).toEqual(npmLs(text));
    expect(ids(result.packages)).toEqual(v2Expected(text));
  });

  it.each([
    ['trivy', 'package-lock_v2.json'],
    ['trivy', 'package-lock_v3.json'],
    ['syft', 'pkg-lock', 'package-lock-3.json'],
  ])('%s/%s: each entry depends on what npm ls says it does', async (...parts) => {
    const text = read(...parts);
    const catalog = await catalogFiles({ 'app/package-lock.json': text }, [npmCataloger]);
    const ours = dependencyEdges(catalog.packages);
    const { edges } = npmLsTree(text);
    expect(edges.length).toBeGreaterThan(0);
    expect(ours).toEqual(edges);
  });

  it('reports entries npm ls cannot reach (a trimmed lockfile whose root declares nothing)', () => {
    // scalibr's fixture keeps only nested supports-color entries: npm ls finds no path to them,
    // but they are what the lockfile says is installed.
    const text = read('scalibr', 'nested-dependencies-dup.v2.json');
    expect(npmLs(text)).toEqual([]);
    expect(ids(parsePackageLock(text, { includeDev: false }).packages)).toEqual(v2Expected(text));
    expect(v2Expected(text)).toEqual(['supports-color@2.0.0', 'supports-color@6.1.0']);
  });

  it('skips workspace folders and links but keeps their installed dependencies', () => {
    const text = read('trivy', 'package-lock_v3_with_workspace.json');
    const result = parsePackageLock(text, { includeDev: false });
    // npm ls also lists the workspace member nested_func@1.0.0: the project's own code.
    expect(ids(result.packages)).toEqual(npmLs(text).filter((id) => id !== 'nested_func@1.0.0'));
    expect(ids(result.packages)).toEqual(['debug@2.5.2', 'debug@2.6.9', 'ms@0.7.2', 'ms@2.0.0']);
  });

  it('marks direct dependencies from the root entry and dev ones when asked for', () => {
    const result = parsePackageLock(read('syft', 'pkg-lock', 'package-lock-3.json'), {
      includeDev: true,
    });
    const byName = new Map(result.packages?.map((r) => [r.name, r.metadata]));
    expect(byName.get('react')).toEqual({ direct: true });
    expect(byName.get('prop-types')).toEqual({ direct: false });
    expect(byName.get('async')).toEqual({ direct: true, dev: true });
    expect(result.packages?.find((r) => r.name === 'react')?.namespace).toBe('@types');
  });
});

describe('package-lock.json v1', () => {
  it.each([
    ['trivy', 'package-lock_v1.json'],
    ['syft', 'pkg-lock', 'package-lock.json'],
    ['scalibr', 'nested-dependencies-dup.v1.json'],
  ])('%s/%s', (...parts) => {
    const text = read(...parts);
    expect(ids(parsePackageLock(text, { includeDev: false }).packages)).toEqual(
      v1Expected(text, false),
    );
    expect(ids(parsePackageLock(text, { includeDev: true }).packages)).toEqual(
      v1Expected(text, true),
    );
  });

  it('gives the v1 and v2 forms of one project the same dependency graph (requires, nested scopes)', async () => {
    const graph = async (file: string): Promise<string[]> => {
      const catalog = await catalogFiles({ 'app/package-lock.json': read('trivy', file) }, [
        npmCataloger,
      ]);
      return dependencyEdges(catalog.packages);
    };
    const v2 = await graph('package-lock_v2.json');
    expect(v2).toEqual(npmLsTree(read('trivy', 'package-lock_v2.json')).edges);
    expect(await graph('package-lock_v1.json')).toEqual(v2);
  });

  it('reads the same packages from the v1 and v2 forms of one project', () => {
    const v1 = ids(
      parsePackageLock(read('trivy', 'package-lock_v1.json'), { includeDev: false }).packages,
    );
    const v2 = ids(
      parsePackageLock(read('trivy', 'package-lock_v2.json'), { includeDev: false }).packages,
    );
    expect(v1).toEqual(v2);
  });
});

describe('hostile package-lock.json', () => {
  it('warns on wrong types and keeps the good entries', () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': {},
        'node_modules/a': { version: 1 },
        'node_modules/b': { version: '1.0.0' },
        'node_modules/c': 'x',
      },
    });
    const result = parsePackageLock(text, { includeDev: false });
    expect(ids(result.packages)).toEqual(['b@1.0.0']);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings?.[0]).toContain('packages["node_modules/a"]');
  });

  it('stops at absurd v1 nesting instead of overflowing the stack', () => {
    const depth = 5000;
    const open = Array.from(
      { length: depth },
      (_, i) => `{"p${i}":{"version":"1.0.0","dependencies":`,
    ).join('');
    const text = `{"lockfileVersion":1,"dependencies":${open}{}${'}}'.repeat(depth)}}`;
    const result = parsePackageLock(text, { includeDev: false });
    expect(result.packages?.length).toBeGreaterThan(500);
    expect(result.warnings?.[0]).toMatch(/nested deeper than/);
  });

  it('warns on bad JSON and on JSON that is not a lockfile', () => {
    expect(parsePackageLock('{"packages": ', { includeDev: false }).warnings?.[0]).toMatch(
      /not valid JSON/,
    );
    expect(parsePackageLock('[1,2]', { includeDev: false }).warnings?.[0]).toMatch(
      /not a JSON object/,
    );
    expect(parsePackageLock('{}', { includeDev: false }).warnings?.[0]).toMatch(/neither/);
  });
});
