import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogFiles, sharedFixture } from '../../testing/index.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import type { PackageRecord } from '../types.js';
import { createPythonCataloger, pythonCataloger } from './index.js';

const PYTHON = '/usr/bin/python3';
const fixturePath = (...parts: string[]): string => sharedFixture('pkgdb', 'python', ...parts);
const fixture = (...parts: string[]): Promise<Buffer> => readFile(fixturePath(...parts));
const header = (path: string) => ({ path, type: 'file' as const, mode: 0o644, size: 100 });
const ids = (records: readonly PackageRecord[] | undefined): string[] =>
  (records ?? []).map((r) => `${r.name}@${r.version}`).sort();

/** Runs a Python snippet on a file and returns its printed `name@version` lines, sorted. */
function python(script: string, path: string): string[] {
  const out = execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8' }).trim();
  return out === '' ? [] : [...new Set(out.split('\n'))].sort();
}

/**
 * Reference for requirements.txt: `packaging.requirements.Requirement` (the PEP 508 parser pip
 * vendors) on each logical line, keeping requirements whose only specifier is `==`/`===` without
 * a wildcard and no URL.
 */
const REQUIREMENTS = String.raw`
import re, sys
from packaging.requirements import Requirement, InvalidRequirement
from packaging.utils import canonicalize_name
text = re.sub(r'\\\n', ' ', open(sys.argv[1]).read())
for line in text.splitlines():
    line = re.sub(r'(^|\s)#.*', '', line).strip()
    if not line or line.startswith('-'):
        continue
    line = re.split(r'\s+--', line)[0]
    try:
        req = Requirement(line)
    except InvalidRequirement:
        continue
    specs = list(req.specifier)
    if req.url or len(specs) != 1 or specs[0].operator not in ('==', '===') or '*' in specs[0].version:
        continue
    print(f'{canonicalize_name(req.name)}@{specs[0].version}')
`;

/** Reference for poetry.lock / uv.lock: tomllib, every [[package]] with a version and a non-local source. */
const TOML_ALL = String.raw`
import sys, tomllib
from packaging.utils import canonicalize_name
for p in tomllib.load(open(sys.argv[1], 'rb'))['package']:
    if 'version' in p and not any(k in p.get('source', {}) for k in ('editable', 'virtual', 'directory', 'path')):
        print(f"{canonicalize_name(p['name'])}@{p['version']}")
`;

const POETRY_MAIN = String.raw`
import sys, tomllib
from packaging.utils import canonicalize_name
for p in tomllib.load(open(sys.argv[1], 'rb'))['package']:
    if p.get('category', 'main') == 'main' and 'main' in p.get('groups', ['main']):
        print(f"{canonicalize_name(p['name'])}@{p['version']}")
`;

runCatalogerContract(pythonCataloger, [
  { path: 'app/requirements.txt', content: await fixture('syft', 'requires', 'requirements.txt') },
  { path: 'app/Pipfile.lock', content: await fixture('trivy', 'Pipfile_many.lock') },
  { path: 'app/poetry.lock', content: await fixture('trivy', 'poetry_v2_flask.lock') },
  { path: 'app/uv.lock', content: await fixture('syft', 'uv', 'simple-deps', 'uv.lock') },
]);

describe('requirements.txt', () => {
  it.each([
    ['scalibr', 'example.txt'],
    ['trivy', 'requirements_operator.txt'],
    ['trivy', 'requirements_hash.txt'],
    ['syft', 'requires', 'requirements.txt'],
    ['snyk-docker-plugin', 'ok', 'requirements.txt'],
  ])('%s/%s: exact pins, as packaging reads them', async (...parts) => {
    const result = await pythonCataloger.parse({
      ...header('app/requirements.txt'),
      content: await fixture(...parts),
    });
    expect(ids(result.packages)).toEqual(python(REQUIREMENTS, fixturePath(...parts)));
  });

  it('keeps what a pinned line says and nothing from ranges', async () => {
    const result = await pythonCataloger.parse({
      ...header('requirements.txt'),
      content: await fixture('syft', 'requires', 'requirements.txt'),
    });
    expect(ids(result.packages)).toContain('celery@4.4.7');
    expect(ids(result.packages)).toContain('friendly-bard@1.0.0');
    expect(ids(result.packages)).not.toContain('flask@2.2.0');
    expect(result.packages?.find((r) => r.name === 'friendly-bard')?.metadata).toEqual({
      declaredName: 'FrIeNdLy-_-bArD',
    });
  });
});

describe('Pipfile.lock', () => {
  it.each([
    ['syft', 'pipfile-lock', 'Pipfile.lock'],
    ['trivy', 'Pipfile_many.lock'],
  ])('%s/%s', async (...parts) => {
    const content = await fixture(...parts);
    const lock = JSON.parse(content.toString('utf8')) as Record<
      string,
      Record<string, { version?: string }>
    >;
    const expected = (section: string): string[] =>
      Object.entries(lock[section] ?? {})
        .filter(([, e]) => e.version)
        .map(
          ([name, e]) =>
            `${name.toLowerCase().replace(/[-_.]+/g, '-')}@${e.version!.replace(/^==/, '')}`,
        );
    const prod = await pythonCataloger.parse({ ...header('app/Pipfile.lock'), content });
    expect(ids(prod.packages)).toEqual([...new Set(expected('default'))].sort());
    const all = await createPythonCataloger({ includeDev: true }).parse({
      ...header('app/Pipfile.lock'),
      content,
    });
    expect(ids(all.packages)).toEqual(
      [...new Set([...expected('default'), ...expected('develop')])].sort(),
    );
  });
});

describe('poetry.lock and uv.lock', () => {
  it.each([
    ['trivy', 'poetry_flask.lock'],
    ['trivy', 'poetry_v2_flask.lock'],
    ['syft', 'poetry', 'simple-deps', 'poetry.lock'],
  ])('poetry %s/%s', async (...parts) => {
    const content = await fixture(...parts);
    const prod = await pythonCataloger.parse({ ...header('app/poetry.lock'), content });
    expect(prod.warnings).toBeUndefined();
    expect(ids(prod.packages)).toEqual(python(POETRY_MAIN, fixturePath(...parts)));
    const all = await createPythonCataloger({ includeDev: true }).parse({
      ...header('app/poetry.lock'),
      content,
    });
    expect(ids(all.packages)).toEqual(python(TOML_ALL, fixturePath(...parts)));
  });

  it('uv: the project itself is not a package; its dependency tree is', async () => {
    const parts = ['syft', 'uv', 'simple-deps', 'uv.lock'];
    const result = await pythonCataloger.parse({
      ...header('app/uv.lock'),
      content: await fixture(...parts),
    });
    expect(result.warnings).toBeUndefined();
    expect(ids(result.packages)).toEqual(python(TOML_ALL, fixturePath(...parts)));
    expect(ids(result.packages)).toEqual([
      'certifi@2025.1.31',
      'charset-normalizer@3.4.1',
      'idna@3.10',
      'requests@2.32.3',
      'urllib3@2.3.0',
    ]);
  });

  it('uv: dev-only groups are left out unless asked for', async () => {
    const text = [
      'version = 1',
      '[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\ndependencies = [{ name = "requests" }]',
      '[package.dev-dependencies]\ndev = [{ name = "pytest" }]',
      '[[package]]\nname = "requests"\nversion = "2.32.3"\nsource = { registry = "https://pypi.org/simple" }',
      '[[package]]\nname = "pytest"\nversion = "8.0.0"\nsource = { registry = "https://pypi.org/simple" }',
    ].join('\n');
    const parse = (includeDev: boolean) =>
      createPythonCataloger({ includeDev }).parse({
        ...header('uv.lock'),
        content: Buffer.from(text),
      });
    expect(ids((await parse(false)).packages)).toEqual(['requests@2.32.3']);
    expect((await parse(true)).packages?.find((r) => r.name === 'pytest')?.metadata).toEqual({
      dev: true,
    });
  });

  it('warns on broken TOML and JSON', async () => {
    const parse = async (path: string, text: string) =>
      (await pythonCataloger.parse({ ...header(path), content: Buffer.from(text) })).warnings?.[0];
    expect(await parse('poetry.lock', '[[package]\nname=')).toMatch(
      /^poetry.lock is not valid TOML/,
    );
    expect(await parse('uv.lock', 'version = 1\n')).toBe('uv.lock has no [[package]] array');
    expect(await parse('Pipfile.lock', '{"default": []}')).toBe(
      'Pipfile.lock: field "default" is not an object',
    );
  });
});

describe('python lockfile claims and image scan', () => {
  it('skips lockfiles shipped inside installed distributions', () => {
    expect(
      pythonCataloger.claims(header('usr/lib/python3/dist-packages/foo/tests/requirements.txt')),
    ).toBe(false);
    expect(
      pythonCataloger.claims(header('usr/local/lib/python3.11/site-packages/x/poetry.lock')),
    ).toBe(false);
    expect(pythonCataloger.claims(header('app/dev-requirements.txt'))).toBe(false);
    expect(pythonCataloger.claims(header('app/requirements.txt'))).toBe(true);
  });

  it('reports an app lockfile through a real image', async () => {
    const catalog = await catalogFiles({
      'srv/app/poetry.lock': await fixture('trivy', 'poetry_flask.lock'),
    });
    expect(catalog.packages.map((p) => [p.purl, p.locations[0]?.path])).toContainEqual([
      'pkg:pypi/flask@1.0.3',
      'srv/app/poetry.lock',
    ]);
    expect(
      catalog.packages.every((p) => p.type === 'pypi' && p.metadata?.['dev'] === undefined),
    ).toBe(true);
  });
});
