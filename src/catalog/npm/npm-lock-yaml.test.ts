import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { sharedFixture } from '../../testing/fixtures.js';
import type { PackageRecord } from '../types.js';
import { parsePnpmKey, parsePnpmLock } from './pnpm-lock.js';
import { parseYarnLock } from './yarn-lock.js';

const read = (...parts: string[]): string =>
  readFileSync(sharedFixture('pkgdb', 'npm', ...parts), 'utf8');
const ids = (records: readonly PackageRecord[] | undefined): string[] =>
  (records ?? [])
    .map((r) => `${r.namespace ? `${r.namespace}/` : ''}${r.name}@${r.version}`)
    .sort();

/** Independent reading of yarn v1: each unindented header's first name, with its `version` line. */
function yarnV1Expected(text: string): string[] {
  const found = new Set<string>();
  for (const block of text.split(/\n(?=\S)/)) {
    const header = /^"?(?<name>@?[^@"\s]+)@/.exec(block)?.groups?.['name'];
    const version = /\n {2}version "?(?<v>[^"\n]+)"?/.exec(block)?.groups?.['v'];
    if (header && version && !block.startsWith('#')) found.add(`${header}@${version}`);
  }
  return [...found].sort();
}

/** Independent reading of yarn berry: `resolution` of every `@npm:` entry. */
function yarnBerryExpected(text: string): string[] {
  const doc = parseYaml(text, { uniqueKeys: false }) as Record<
    string,
    { resolution?: string; version?: string }
  >;
  const found = new Set<string>();
  for (const entry of Object.values(doc)) {
    const match = /^(?<name>@?[^@]+)@npm:/.exec(entry.resolution ?? '');
    if (match?.groups?.['name']) found.add(`${match.groups['name']}@${entry.version}`);
  }
  return [...found].sort();
}

describe('yarn.lock', () => {
  it.each([
    ['trivy', 'yarn_happy.lock'],
    ['syft', 'yarn', 'yarn.lock'],
  ])('classic %s/%s', (...parts) => {
    const text = read(...parts);
    const result = parseYarnLock(text);
    expect(result.warnings).toBeUndefined();
    expect(ids(result.packages)).toEqual(yarnV1Expected(text));
    expect(result.packages?.length).toBeGreaterThan(5);
  });

  it.each([
    ['trivy', 'yarn_v2_happy.lock'],
    ['syft', 'yarn-berry', 'yarn.lock'],
  ])('berry %s/%s', (...parts) => {
    const text = read(...parts);
    const result = parseYarnLock(text);
    expect(result.warnings).toBeUndefined();
    expect(ids(result.packages)).toEqual(yarnBerryExpected(text));
  });

  it('leaves out the workspace itself and reads scoped names into the namespace', () => {
    const result = parseYarnLock(read('syft', 'yarn-berry', 'yarn.lock'));
    expect(ids(result.packages)).not.toContain('newtest@0.0.0-use.local');
    expect(result.packages?.find((r) => r.name === 'code-frame')).toMatchObject({
      namespace: '@babel',
      version: '7.10.4',
    });
  });

  it('reads aliases as the real package and skips local folders', () => {
    const text = [
      '# yarn lockfile v1',
      '',
      'string-width-cjs@npm:string-width@^4.2.0:',
      '  version "4.2.3"',
      '',
      'mine@file:../mine:',
      '  version "1.0.0"',
      '',
      'broken:',
      '  version "1.0.0"',
      '',
    ].join('\n');
    const result = parseYarnLock(text);
    expect(ids(result.packages)).toEqual(['string-width@4.2.3']);
    expect(result.warnings).toEqual(['line 9: descriptor "broken" has no version range']);
  });
});

describe('pnpm-lock.yaml', () => {
  it('reads package keys of every lockfile version', () => {
    expect(parsePnpmKey('/@babel/runtime/7.18.3', 5)).toEqual({
      name: '@babel/runtime',
      version: '7.18.3',
    });
    expect(parsePnpmKey('/eslint-config/47.2.0_7hz3xvmviof7onfgk6hpedqcom', 5)).toEqual({
      name: 'eslint-config',
      version: '47.2.0',
    });
    expect(parsePnpmKey('/@types/react@18.0.9(react@18.1.0)', 6)).toEqual({
      name: '@types/react',
      version: '18.0.9',
    });
    expect(parsePnpmKey('debug@4.3.4(supports-color@8.1.1)', 9)).toEqual({
      name: 'debug',
      version: '4.3.4',
    });
  });

  // Expected lists: `pnpm list --prod --depth 10` as recorded in Trivy's parser tests
  // (pkg/dependency/parser/nodejs/pnpm/parse_testcase.go, pnpmMany / pnpmV6WithDev / pnpmV9).
  it('v5: prod packages of pnpm-lock_many.yaml', () => {
    const result = parsePnpmLock(read('trivy', 'pnpm-lock_many.yaml'), { includeDev: false });
    expect(result.warnings).toBeUndefined();
    expect(ids(result.packages)).toEqual(
      [
        '@babel/runtime@7.18.3',
        'ajv@6.12.6',
        'asn1@0.2.6',
        'assert-plus@1.0.0',
        'asynckit@0.4.0',
        'aws-sign2@0.7.0',
        'aws4@1.11.0',
        'bcrypt-pbkdf@1.0.2',
        'caseless@0.12.0',
        'chalk@5.0.1',
        'combined-stream@1.0.8',
        'commander@9.3.0',
        'core-util-is@1.0.2',
        'dashdash@1.14.1',
        'delayed-stream@1.0.0',
        'ecc-jsbn@0.1.2',
        'extend@3.0.2',
        'extsprintf@1.3.0',
        'fast-deep-equal@3.1.3',
        'fast-json-stable-stringify@2.1.0',
        'forever-agent@0.6.1',
        'form-data@2.3.3',
        'getpass@0.1.7',
        'har-schema@2.0.0',
        'har-validator@5.1.5',
        'http-signature@1.2.0',
        'is-typedarray@1.0.0',
        'isstream@0.1.2',
        'js-tokens@4.0.0',
        'jsbn@0.1.1',
        'json-schema-traverse@0.4.1',
        'json-schema@0.4.0',
        'json-stringify-safe@5.0.1',
        'jsprim@1.4.2',
        'lodash@4.17.21',
        'loose-envify@1.4.0',
        'mime-db@1.52.0',
        'mime-types@2.1.35',
        'oauth-sign@0.9.0',
        'performance-now@2.1.0',
        'psl@1.8.0',
        'punycode@2.1.1',
        'qs@6.5.3',
        'react@18.1.0',
        'redux@4.2.0',
        'regenerator-runtime@0.13.9',
        'request@2.88.2',
        'safe-buffer@5.2.1',
        'safer-buffer@2.1.2',
        'sshpk@1.17.0',
        'tough-cookie@2.5.0',
        'tunnel-agent@0.6.0',
        'tweetnacl@0.14.5',
        'uri-js@4.4.1',
        'uuid@3.4.0',
        'verror@1.10.0',
      ].sort(),
    );
    const direct = result.packages
      ?.filter((r) => r.metadata?.['direct'] === true)
      .map((r) => r.name)
      .sort();
    expect(direct).toEqual(['chalk', 'commander', 'lodash', 'react', 'redux', 'request']);
  });

  it('v6: prod packages of pnpm-lock_v6_with_dev.yaml, and the dev ones on request', () => {
    const text = read('trivy', 'pnpm-lock_v6_with_dev.yaml');
    const prod = [
      '@babel/runtime@7.22.3',
      'js-tokens@4.0.0',
      'loose-envify@1.4.0',
      'react@18.1.0',
      'redux@4.2.0',
      'regenerator-runtime@0.13.11',
    ];
    expect(ids(parsePnpmLock(text, { includeDev: false }).packages)).toEqual(prod);
    const all = parsePnpmLock(text, { includeDev: true }).packages ?? [];
    expect(all.find((r) => r.name === 'mocha')?.metadata).toEqual({ direct: true, dev: true });
    // Every `/name@version:` key of the packages section is reported once with dev on.
    const keys = (parseYaml(text) as { packages: Record<string, unknown> }).packages;
    expect(all).toHaveLength(Object.keys(keys).length);
  });

  it('v9: dev-only derived from the importers through snapshots', () => {
    const result = parsePnpmLock(read('trivy', 'pnpm-lock_v9.yaml'), { includeDev: false });
    expect(ids(result.packages)).toEqual(
      [
        '@babel/helper-string-parser@7.24.1',
        'asap@2.0.6',
        'asynckit@0.4.0',
        'debug@4.3.4',
        'debug@4.3.5',
        'ee-first@1.1.1',
        'encodeurl@1.0.2',
        'escape-html@1.0.3',
        'finalhandler@1.1.1',
        'is-negative@2.0.1',
        'ms@2.0.0',
        'ms@2.1.2',
        'on-finished@2.3.0',
        'parseurl@1.3.3',
        'promise@8.1.0',
        'sleep-utils@1.0.3',
        'statuses@1.4.0',
        'unpipe@1.0.0',
      ].sort(),
    );
    const dev = parsePnpmLock(read('trivy', 'pnpm-lock_v9.yaml'), {
      includeDev: true,
    }).packages?.filter((r) => r.metadata?.['dev']);
    expect(ids(dev)).toEqual(['await-sleep@0.0.1', 'jquery@3.6.0', 'lodash@4.17.21']);
  });

  it.each([
    ['syft', 'pnpm', 'pnpm-lock.yaml'],
    ['syft', 'pnpm-v9', 'pnpm-lock.yaml'],
  ])('%s/%s/%s reads every package key', (...parts) => {
    const text = read(...parts);
    const all = parsePnpmLock(text, { includeDev: true });
    expect(all.warnings).toBeUndefined();
    const keys = Object.keys((parseYaml(text) as { packages: Record<string, unknown> }).packages);
    expect(all.packages).toHaveLength(keys.length);
  });

  it('warns on hostile documents without throwing', () => {
    expect(parsePnpmLock('lockfileVersion: [1]\n', { includeDev: false }).warnings?.[0]).toMatch(
      /lockfileVersion/,
    );
    expect(
      parsePnpmLock("lockfileVersion: '9.0'\npackages: 3\n", { includeDev: false }).warnings?.[0],
    ).toMatch(/packages/);
    expect(
      parsePnpmLock('a: &a [*a, *a]\n'.repeat(3), { includeDev: false }).warnings,
    ).toHaveLength(1);
    const deep = `lockfileVersion: '9.0'\npackages:\n  x@1.0.0: ${'['.repeat(20000)}${']'.repeat(20000)}\n`;
    expect(() => parsePnpmLock(deep, { includeDev: false })).not.toThrow();
  });
});
