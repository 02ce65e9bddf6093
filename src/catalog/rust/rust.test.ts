import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { catalogFiles, dependencyEdges, sharedFixture, useTempDir } from '../../testing/index.js';
import { purlFor, type PackageRecord } from '../index.js';
import { buildElf } from '../internal/testing/index.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import { partialFileOf } from '../testing/partial-file.js';
import { rustCataloger } from './index.js';

const run = promisify(execFile);
const fixture = (...parts: string[]): string => sharedFixture('pkgdb', 'rust', ...parts);
const scratch = useTempDir('lockyard-rust-');
const SERDE_BIN = fixture('scalibr', 'uses_serde_json');
const LOCKFILES = [
  fixture('syft', 'Cargo.lock'),
  fixture('syft', 'Cargo.lock-with-git-deps'),
  fixture('trivy', 'cargo_v3.lock'),
  fixture('scalibr', 'many-packages.lock'),
];

async function parse(
  path: string,
  content: Buffer,
  mode = 0o644,
): Promise<Awaited<ReturnType<typeof rustCataloger.parse>>> {
  return rustCataloger.parse({ path, type: 'file', mode, size: content.length, content });
}

const purls = (packages: readonly PackageRecord[] | undefined): string[] =>
  (packages ?? []).map((p) => purlFor(p, undefined));

/** Python's tomllib (the reference TOML reader) lists the [[package]] tables of a lockfile. */
async function pythonLockPackages(
  text: string,
): Promise<{ name: string; version: string; source: string | null }[]> {
  const script = [
    'import json, sys, tomllib',
    'doc = tomllib.loads(sys.stdin.read())',
    'print(json.dumps([{"name": p["name"], "version": p["version"], "source": p.get("source")} for p in doc.get("package", [])]))',
  ].join('\n');
  const child = run('python3', ['-c', script]);
  child.child.stdin?.end(text);
  return JSON.parse((await child).stdout) as {
    name: string;
    version: string;
    source: string | null;
  }[];
}

/** The documented reporting rules applied to the reference reader's output. */
function expectedPurl(p: {
  name: string;
  version: string;
  source: string | null;
}): string | undefined {
  if (p.source === null) return undefined;
  if (
    /^(registry|sparse)\+https:\/\/(github\.com\/rust-lang\/crates\.io-index|index\.crates\.io\/?)$/.test(
      p.source,
    )
  )
    return `pkg:cargo/${p.name}@${p.version}`;
  const git = /^git\+(?<url>[^?#]*)(?:\?[^#]*)?#(?<rev>.*)$/.exec(p.source)?.groups;
  if (git)
    return `pkg:cargo/${p.name}@${p.version}?vcs_url=${encodeURIComponent(`git+${git['url']}@${git['rev']}`)}`;
  return `pkg:cargo/${p.name}@${p.version}?repository_url=${encodeURIComponent(p.source.replace(/^registry\+/, ''))}`;
}

runCatalogerContract(rustCataloger, [
  { path: 'usr/local/bin/uses_serde_json', content: await readFile(SERDE_BIN), mode: 0o755 },
  ...(await Promise.all(
    LOCKFILES.map(async (file) => ({ path: 'srv/app/Cargo.lock', content: await readFile(file) })),
  )),
]);

describe('rust cataloger: reading large files partly', () => {
  const header = (path: string, size: number) => ({
    path,
    type: 'file' as const,
    mode: 0o755,
    size,
  });

  it('fills only the ELF headers and .dep-v0 of a cargo-auditable binary', async () => {
    const whole = await readFile(SERDE_BIN);
    const { file, filled } = partialFileOf(header('usr/bin/app', whole.length), whole);
    expect(await rustCataloger.prefill?.(file)).toBe(true);
    expect(filled()).toBeLessThan(whole.length / 4);
    const parsed = rustCataloger.parse(file);
    expect(parsed).toEqual(rustCataloger.parse({ ...file, content: whole }));
    expect((await parsed).packages?.length).toBeGreaterThan(1);
  });

  it('asks for a whole Cargo.lock', async () => {
    const whole = await readFile(LOCKFILES[0] ?? '');
    const { file } = partialFileOf(header('srv/Cargo.lock', whole.length), whole);
    expect(await rustCataloger.prefill?.(file)).toBe(false);
  });
});

describe('rust cataloger: cargo-auditable binaries', () => {
  it('lists the crates.io crates of the scalibr fixture (scalibr expects these plus its local root crate)', async () => {
    const result = await parse('usr/local/bin/uses_serde_json', await readFile(SERDE_BIN), 0o755);
    expect(purls(result.packages)).toEqual([
      'pkg:cargo/itoa@1.0.14',
      'pkg:cargo/memchr@2.7.4',
      'pkg:cargo/proc-macro2@1.0.92',
      'pkg:cargo/quote@1.0.38',
      'pkg:cargo/ryu@1.0.18',
      'pkg:cargo/serde@1.0.217',
      'pkg:cargo/serde_derive@1.0.217',
      'pkg:cargo/serde_json@1.0.135',
      'pkg:cargo/syn@2.0.95',
      'pkg:cargo/unicode-ident@1.0.14',
    ]);
    expect(result.warnings).toBeUndefined();
  });

  it('gives each crate the crates it links, as the .dep-v0 JSON says (objcopy and zlib as the reference)', async () => {
    const section = join(scratch, 'dep-v0');
    await run('objcopy', [
      '--dump-section',
      `.dep-v0=${section}`,
      SERDE_BIN,
      join(scratch, 'stripped'),
    ]);
    const document = JSON.parse(inflateSync(await readFile(section)).toString('utf8')) as {
      packages: {
        name: string;
        version: string;
        source: string;
        kind?: string;
        dependencies?: number[];
      }[];
    };
    const crates = document.packages;
    const reported = (c: (typeof crates)[number]): boolean =>
      c.source !== 'local' && c.kind !== 'build';
    const expected = crates
      .filter(reported)
      .flatMap((c) =>
        (c.dependencies ?? [])
          .map((at) => crates[at])
          .filter((d) => d !== undefined && reported(d))
          .map((d) => `${c.name}@${c.version} -> ${d?.name}@${d?.version}`),
      )
      .sort();
    const catalog = await catalogFiles(
      [{ name: 'usr/local/bin/uses_serde_json', content: await readFile(SERDE_BIN), mode: 0o755 }],
      [rustCataloger],
    );
    const edges = dependencyEdges(catalog.packages);
    expect(expected.length).toBeGreaterThan(5);
    expect(edges).toEqual(expected);
  });

  it('reports no package for a binary whose crates are all local (trivy fixture: crate_with_features, library_crate)', async () => {
    expect(await parse('usr/bin/app', await readFile(fixture('trivy', 'test.elf')), 0o755)).toEqual(
      { packages: [] },
    );
  });

  it('passes a Go binary and a shell script without a word', async () => {
    expect(
      await parse(
        'usr/bin/go-app',
        await readFile(sharedFixture('pkgdb', 'go', 'trivy', 'test.elf')),
        0o755,
      ),
    ).toEqual({});
    expect(await parse('usr/bin/run', Buffer.from('#!/bin/sh\n'), 0o755)).toEqual({});
  });

  it('skips build-time crates, marks the root, and qualifies git and registry sources (32-bit big-endian ELF)', async () => {
    const json = {
      format: 1,
      packages: [
        {
          name: 'app',
          version: '0.1.0',
          source: 'crates.io',
          root: true,
          dependencies: [1, 2, 3, 4],
        },
        { name: 'serde_derive', version: '1.0.0', source: 'crates.io', kind: 'build' },
        { name: 'forked', version: '2.0.0', source: 'git' },
        { name: 'internal', version: '3.0.0', source: 'registry' },
        { name: 'mine', version: '0.0.1', source: 'local' },
        { name: 'bad', source: 'crates.io' },
      ],
    };
    const elf = buildElf({
      is64: false,
      littleEndian: false,
      sections: [{ name: '.dep-v0', data: deflateSync(JSON.stringify(json)) }],
    });
    const result = await parse('usr/bin/app', elf, 0o755);
    expect(result.packages?.map((p) => [purlFor(p, undefined), p.metadata])).toEqual([
      ['pkg:cargo/app@0.1.0', { source: 'crates.io', root: true }],
      ['pkg:cargo/forked@2.0.0', { source: 'git' }],
      ['pkg:cargo/internal@3.0.0', { source: 'registry' }],
    ]);
    expect(result.warnings).toEqual([
      'cargo-auditable packages[5] skipped: version: Invalid input: expected string, received undefined',
    ]);
  });

  it.each([
    [
      'garbage instead of zlib',
      Buffer.from('not zlib at all'),
      /^cargo-auditable section \.dep-v0 is not zlib data/,
    ],
    [
      'a zlib bomb',
      deflateSync(Buffer.alloc(64 * 1024 * 1024)),
      /^cargo-auditable section \.dep-v0 decompresses to more than 16777216 bytes$/,
    ],
    [
      'zlib of something that is not JSON',
      deflateSync('{"packages": ['),
      /^cargo-auditable JSON invalid: \(root\)/,
    ],
    [
      'JSON without packages',
      deflateSync('{"format": 1}'),
      /^cargo-auditable JSON invalid: packages:/,
    ],
  ])('warns, without throwing, on %s', async (_what, data, warning) => {
    const result = await parse(
      'usr/bin/app',
      buildElf({ sections: [{ name: '.dep-v0', data }] }),
      0o755,
    );
    expect(result.packages).toBeUndefined();
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings?.[0]).toMatch(warning);
  });

  it('warns when the .dep-v0 section header points outside the file', async () => {
    const elf = buildElf({
      sections: [{ name: '.dep-v0', data: deflateSync('{"packages":[]}'), offset: 0x7fffffff }],
    });
    expect((await parse('usr/bin/app', elf, 0o755)).warnings).toEqual([
      `cargo-auditable data unreadable: section .dep-v0 lies outside the file (offset 2147483647, size ${deflateSync('{"packages":[]}').length})`,
    ]);
  });
});

describe('rust cataloger: Cargo.lock', () => {
  it.each(LOCKFILES.map((file) => [file.split('/pkgdb/')[1] ?? file, file]))(
    '%s matches the reference TOML reader',
    async (_name, file) => {
      const text = await readFile(file, 'utf8');
      const expected = (await pythonLockPackages(text))
        .map(expectedPurl)
        .filter((p) => p !== undefined);
      const result = await parse('app/Cargo.lock', Buffer.from(text));
      expect(purls(result.packages)).toEqual(expected);
      expect(result.warnings).toBeUndefined();
    },
  );

  it('keeps a git fork and the crates.io release apart (syft fixture with git deps)', async () => {
    const result = await parse(
      'app/Cargo.lock',
      await readFile(fixture('syft', 'Cargo.lock-with-git-deps')),
    );
    const regex = purls(result.packages).filter((p) => p.startsWith('pkg:cargo/regex@'));
    expect(regex).toEqual([
      'pkg:cargo/regex@1.11.1',
      'pkg:cargo/regex@1.11.1?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Frust-lang%2Fregex.git%401a069b9232c607b34c4937122361aa075ef573fa',
    ]);
    expect(purls(result.packages)).not.toContain('pkg:cargo/hello_world@0.1.0');
  });

  const v1 = [
    '[[package]]',
    'name = "app"',
    'version = "0.1.0"',
    'dependencies = ["libc 0.2.40 (registry+https://github.com/rust-lang/crates.io-index)"]',
    '',
    '[[package]]',
    'name = "libc"',
    'version = "0.2.40"',
    'source = "registry+https://github.com/rust-lang/crates.io-index"',
    '',
    '[[package]]',
    'name = "private"',
    'version = "1.0.0"',
    'source = "sparse+https://cargo.example.org/index/"',
    '',
    '[[package]]',
    'name = "gitdep"',
    'version = "0.3.0"',
    'source = "git+https://github.com/o/r?branch=main#0123456789abcdef0123456789abcdef01234567"',
    '',
    '[metadata]',
    '"checksum libc 0.2.40 (registry+https://github.com/rust-lang/crates.io-index)" = "abc"',
    '',
  ].join('\n');

  it('reads a v1 lockfile (no version key, [metadata] checksums), sparse registries and git branches', async () => {
    const result = await parse('app/Cargo.lock', Buffer.from(v1));
    expect(purls(result.packages)).toEqual(
      (await pythonLockPackages(v1)).map(expectedPurl).filter((p) => p !== undefined),
    );
    expect(purls(result.packages)).toEqual([
      'pkg:cargo/libc@0.2.40',
      'pkg:cargo/private@1.0.0?repository_url=sparse%2Bhttps%3A%2F%2Fcargo.example.org%2Findex%2F',
      'pkg:cargo/gitdep@0.3.0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fo%2Fr%400123456789abcdef0123456789abcdef01234567',
    ]);
  });

  it('reads a v4 lockfile with a percent-encoded git query', async () => {
    const v4 =
      'version = 4\n\n[[package]]\nname = "x"\nversion = "1.0.0"\nsource = "git+https://example.org/r%20s.git?rev=v1#abc"\n';
    expect(purls((await parse('Cargo.lock', Buffer.from(v4))).packages)).toEqual([
      `pkg:cargo/x@1.0.0?vcs_url=${encodeURIComponent('git+https://example.org/r s.git@abc')}`,
    ]);
  });

  it('skips a bad [[package]] with a warning and keeps the others', async () => {
    const text =
      '[[package]]\nname = "ok"\nversion = "1.0.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n\n[[package]]\nname = "broken"\n';
    const result = await parse('Cargo.lock', Buffer.from(text));
    expect(purls(result.packages)).toEqual(['pkg:cargo/ok@1.0.0']);
    expect(result.warnings).toEqual([
      'Cargo.lock package[1] skipped: version: Invalid input: expected string, received undefined',
    ]);
  });

  it('warns on a file that is not TOML', async () => {
    const result = await parse('Cargo.lock', Buffer.from('[[package]\nname = '));
    expect(result.packages).toBeUndefined();
    expect(result.warnings?.[0]).toMatch(/^Cargo\.lock is not valid TOML: /);
  });

  it('claims project lockfiles but not those in cargo download caches', () => {
    const header = { type: 'file' as const, mode: 0o644, size: 10 };
    expect(rustCataloger.claims({ ...header, path: 'srv/app/Cargo.lock' })).toBe(true);
    expect(
      rustCataloger.claims({
        ...header,
        path: 'root/.cargo/registry/src/index.crates.io-6f17d22bba15001f/serde-1.0.0/Cargo.lock',
      }),
    ).toBe(false);
    expect(
      rustCataloger.claims({ ...header, path: 'usr/local/cargo/git/checkouts/x/Cargo.lock' }),
    ).toBe(false);
    expect(rustCataloger.claims({ ...header, path: 'srv/app/Cargo.toml' })).toBe(false);
  });
});

describe('rust cataloger end to end', () => {
  it('catalogs a binary and a lockfile in an image with purls and layer locations', async () => {
    const catalog = await catalogFiles(
      [
        { name: 'usr/local/bin/uses_serde_json', content: await readFile(SERDE_BIN), mode: 0o755 },
        { name: 'srv/app/Cargo.lock', content: await readFile(fixture('trivy', 'cargo_v3.lock')) },
      ],
      [rustCataloger],
    );
    const serde = catalog.packages.find((p) => p.purl === 'pkg:cargo/serde_json@1.0.135');
    expect(serde?.locations.map((l) => [l.path, l.layerIndex])).toEqual([
      ['usr/local/bin/uses_serde_json', 0],
    ]);
    expect(serde?.locations[0]?.layerDiffId).toMatch(/^sha256:[0-9a-f]{64}$/);
    const fromLock = catalog.packages.filter((p) => p.locations[0]?.path === 'srv/app/Cargo.lock');
    expect(fromLock.map((p) => p.purl).sort()).toEqual(
      (await pythonLockPackages(await readFile(fixture('trivy', 'cargo_v3.lock'), 'utf8')))
        .map(expectedPurl)
        .filter((p): p is string => p !== undefined)
        .sort(),
    );
  });
});
