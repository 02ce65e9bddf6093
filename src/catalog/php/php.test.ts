import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogFiles, dependencyEdges, sharedFixture } from '../../testing/index.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import type { PackageRecord } from '../types.js';
import { createPhpCataloger, phpCataloger } from './index.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'php', ...parts));
const header = (path: string) => ({ path, type: 'file' as const, mode: 0o644, size: 100 });
const ids = (records: readonly PackageRecord[] | undefined): string[] =>
  (records ?? []).map((r) => `${r.namespace}/${r.name}@${r.version}`).sort();

interface Entry {
  name: string;
  version: string;
}

/** Independent reading: the `name@version` of every entry of the named lists, straight from JSON.parse. */
function listed(content: Buffer, ...lists: string[]): string[] {
  const json = JSON.parse(content.toString('utf8')) as Entry[] | Record<string, Entry[]>;
  const entries = Array.isArray(json) ? json : lists.flatMap((list) => json[list] ?? []);
  return entries.map((e) => `${e.name}@${e.version}`).sort();
}

runCatalogerContract(phpCataloger, [
  {
    path: 'var/www/vendor/composer/installed.json',
    content: await fixture('syft', 'vendor', 'composer_2', 'installed.json'),
  },
  {
    path: 'app/vendor/composer/installed.json',
    content: await fixture('syft', 'vendor', 'composer_1', 'installed.json'),
  },
  { path: 'var/www/composer.lock', content: await fixture('trivy', 'composer_happy.lock') },
]);

describe('composer installed.json', () => {
  it.each(['composer_1', 'composer_2'])(
    '%s: every installed package, dev ones marked',
    async (version) => {
      const content = await fixture('syft', 'vendor', version, 'installed.json');
      const result = await phpCataloger.parse({
        ...header('vendor/composer/installed.json'),
        content,
      });
      expect(result.warnings).toBeUndefined();
      expect(ids(result.packages)).toEqual(listed(content, 'packages'));
      expect(result.packages?.[0]).toMatchObject({
        type: 'composer',
        namespace: 'asm89',
        name: 'stack-cors',
        version: '1.3.0',
        licenses: ['MIT'],
      });
      // composer 2 lists dev packages by name; composer 1 does not say.
      expect(result.packages?.find((r) => r.name === 'mink')?.metadata).toEqual(
        version === 'composer_2' ? { dev: true } : undefined,
      );
      // Each package's first author, read straight from the file.
      const json = JSON.parse(content.toString('utf8')) as
        | { packages: { name: string; authors?: { name?: string; email?: string }[] }[] }
        | { name: string; authors?: { name?: string; email?: string }[] }[];
      const entries = Array.isArray(json) ? json : json.packages;
      const authors = new Map(
        entries.map((entry) => {
          const first = entry.authors?.[0];
          const text = first?.name && first.email ? `${first.name} <${first.email}>` : first?.name;
          return [entry.name, text];
        }),
      );
      expect(authors.get('behat/mink')).toBe('Konstantin Kudryashov <ever.zet@gmail.com>');
      for (const record of result.packages ?? [])
        expect(record.originator).toBe(authors.get(`${record.namespace}/${record.name}`));
    },
  );
});

describe('composer.lock', () => {
  it.each([
    ['syft', 'composer.lock'],
    ['trivy', 'composer_happy.lock'],
    ['scalibr', 'drupal-packages.json'],
  ])('%s/%s', async (...parts) => {
    const content = await fixture(...parts);
    const prod = await phpCataloger.parse({ ...header('app/composer.lock'), content });
    expect(prod.warnings).toBeUndefined();
    expect(ids(prod.packages)).toEqual(listed(content, 'packages'));
    const all = await createPhpCataloger({ includeDev: true }).parse({
      ...header('app/composer.lock'),
      content,
    });
    expect(ids(all.packages)).toEqual(listed(content, 'packages', 'packages-dev'));
    expect(all.packages?.filter((r) => r.metadata?.['dev']).length).toBe(
      listed(content, 'packages-dev').length,
    );
  });

  it('keeps SPDX licence ids and names bad entries', async () => {
    const text = JSON.stringify({
      packages: [
        { name: 'drupal/core', version: '10.4.5', license: ['GPL-2.0-or-later'] },
        { name: 'nope', version: '1.0.0' },
        { name: 'a/b', version: 3 },
        { name: 'c/d', version: '1.0', license: 'proprietary' },
      ],
    });
    const result = await phpCataloger.parse({
      ...header('composer.lock'),
      content: Buffer.from(text),
    });
    expect(result.packages?.map((r) => [r.namespace, r.name, r.licenses])).toEqual([
      ['drupal', 'core', ['GPL-2.0-or-later']],
      ['c', 'd', ['proprietary']],
    ]);
    expect(result.warnings).toEqual([
      'packages[1] skipped: name "nope" is not vendor/project',
      'packages[2] skipped: field "version": Invalid input: expected string, received number',
    ]);
  });

  it('warns on bad JSON and wrong shapes', async () => {
    const parse = async (path: string, text: string) =>
      (await phpCataloger.parse({ ...header(path), content: Buffer.from(text) })).warnings;
    expect(await parse('composer.lock', '{')).toEqual([
      expect.stringMatching(/^composer.lock is not valid JSON/),
    ]);
    expect(await parse('composer.lock', '[]')).toEqual(['composer.lock is not a JSON object']);
    expect(await parse('vendor/composer/installed.json', '{"packages": 1}')).toEqual([
      'installed.json has no "packages" array',
    ]);
  });
});

describe('php claims', () => {
  it.each([
    'vendor/composer/installed.json',
    'var/www/html/vendor/composer/installed.json',
    'app/composer.lock',
    'composer.lock',
  ])('claims %s', (path) => {
    expect(phpCataloger.claims(header(path))).toBe(true);
  });
  it.each([
    'var/www/vendor/guzzle/guzzle/composer.lock',
    'vendor/x/y/composer.lock',
    'app/installed.json',
    'app/notcomposer/installed.json',
    'app/composer.lock.bak',
  ])('does not claim %s', (path) => {
    expect(phpCataloger.claims(header(path))).toBe(false);
  });
});

describe('php end to end through a real image', () => {
  it('reports installed packages with purls and locations', async () => {
    const catalog = await catalogFiles({
      'var/www/html/vendor/composer/installed.json': await fixture(
        'syft',
        'vendor',
        'composer_2',
        'installed.json',
      ),
    });
    const composer = catalog.packages.filter((p) => p.type === 'composer');
    expect(composer.map((p) => p.purl).sort()).toEqual([
      'pkg:composer/asm89/stack-cors@1.3.0',
      'pkg:composer/behat/mink@v1.8.1',
    ]);
    expect(composer[0]?.locations.map((l) => [l.path, l.layerIndex])).toEqual([
      ['var/www/html/vendor/composer/installed.json', 0],
    ]);
  });
});

describe('composer dependencies', () => {
  it('links each package to the packages of the same file its `require` names', async () => {
    const content = await fixture('trivy', 'composer_happy.lock');
    const catalog = await catalogFiles({ 'var/www/composer.lock': content });
    const composer = catalog.packages.filter((p) => p.type === 'composer');
    const ours = dependencyEdges(composer, (p) => `${p.namespace}/${p.name}`);
    // Independent reading: each `packages` entry's `require` keys that are packages there too.
    const lock = JSON.parse(content.toString('utf8')) as {
      packages: { name: string; require?: Record<string, string> }[];
    };
    const names = new Set(lock.packages.map((p) => p.name));
    const expected = lock.packages
      .flatMap((p) =>
        Object.keys(p.require ?? {})
          .filter((name) => names.has(name))
          .map((name) => `${p.name} -> ${name}`),
      )
      .sort();
    expect(expected.length).toBeGreaterThan(3);
    expect(ours).toEqual(expected);
  });
});
