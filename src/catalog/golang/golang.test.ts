import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogFiles, sharedFixture, useTempDir } from '../../testing/index.js';
import type { PackageRecord } from '../index.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import { partialFileOf } from '../testing/partial-file.js';
import { golangCataloger } from './index.js';
import {
  gitCommit,
  goCommand,
  goEnv,
  goVersionM,
  writeModuleProxy,
  type GoVersionM,
} from './testing/go-toolchain.js';

const scratch = useTempDir('lockyard-golang-');
const SCALIBR = sharedFixture(
  'pkgdb',
  'go',
  'scalibr',
  'binary_with_module_replacement-linux-amd64',
);
const TRIVY_GO115 = sharedFixture('pkgdb', 'go', 'trivy', 'test.elf');

interface Row {
  readonly module: string;
  readonly version: string;
}

function rows(packages: readonly PackageRecord[] | undefined): Row[] {
  return (packages ?? []).map((p) => ({
    module: p.namespace ? `${p.namespace}/${p.name}` : p.name,
    version: p.version,
  }));
}

const byModule = (a: Row, b: Row): number => a.module.localeCompare(b.module);

/**
 * The expected list, read off the reference tool's output with the documented rules: the
 * toolchain as stdlib, the main module (its version given by the test: `(devel)` has none),
 * each dep, or its `=>` replacement unless that is a local directory.
 */
function expectedRows(ref: GoVersionM, mainVersion: string): Row[] {
  const out: Row[] = [{ module: 'stdlib', version: `v${ref.goVersion.replace(/^go/, '')}` }];
  ref.lines.forEach((fields, i) => {
    const [kind, path = '', version = ''] = fields;
    if (kind === 'mod') out.push({ module: path, version: mainVersion });
    if (kind !== 'dep') return;
    const next = ref.lines[i + 1];
    if (next?.[0] !== '=>') out.push({ module: path, version });
    else if (/^\.{1,2}\//.test(next[1] ?? '')) out.push({ module: path, version: '' });
    else out.push({ module: next[1] ?? '', version: next[2] ?? '' });
  });
  return out;
}

/**
 * The modules found in a binary alone in a gzip layer: one over 1 MiB is kept partly as the
 * compressed layer streams it past (`planStream`).
 */
async function streamedRows(path: string): Promise<Row[]> {
  const content = await readFile(path);
  expect(content.length).toBeGreaterThan(1024 * 1024);
  const catalog = await catalogFiles(
    [{ name: 'usr/local/bin/app', content, mode: 0o755 }],
    [golangCataloger],
  );
  return rows(catalog.packages).sort(byModule);
}

async function parseFile(path: string): Promise<ReturnType<typeof golangCataloger.parse>> {
  const content = await readFile(path);
  return golangCataloger.parse({
    path: 'usr/bin/x',
    type: 'file',
    mode: 0o755,
    size: content.length,
    content,
  });
}

runCatalogerContract(golangCataloger, [
  { path: 'usr/local/bin/scalibr-fixture', content: await readFile(SCALIBR), mode: 0o755 },
  { path: 'usr/bin/trivy-test', content: await readFile(TRIVY_GO115), mode: 0o755 },
]);

describe('golang cataloger: reading large executables partly', () => {
  const header = (size: number) => ({
    path: 'usr/bin/app',
    type: 'file' as const,
    mode: 0o755,
    size,
  });

  it('fills only the ELF headers and the build info of a go1.22 binary', async () => {
    const whole = await readFile(SCALIBR);
    const { file, filled } = partialFileOf(header(whole.length), whole);
    expect(await golangCataloger.prefill?.(file)).toBe(true);
    expect(filled()).toBeLessThan(whole.length / 10);
    expect(await golangCataloger.parse(file)).toEqual(
      await golangCataloger.parse({ ...file, content: whole }),
    );
  });

  it('asks for the whole go1.15 binary, whose build info points at strings elsewhere', async () => {
    const whole = await readFile(TRIVY_GO115);
    expect(await golangCataloger.prefill?.(partialFileOf(header(whole.length), whole).file)).toBe(
      false,
    );
  });

  it('learns from a few kilobytes that the node executable is not Go', async () => {
    const whole = await readFile(process.execPath);
    const { file, filled } = partialFileOf(header(whole.length), whole);
    expect(await golangCataloger.prefill?.(file)).toBe(true);
    expect(filled()).toBeLessThan(256 * 1024);
    expect(await golangCataloger.parse(file)).toEqual({});
  });
});

describe('golang cataloger on real Go binaries, checked against go version -m', () => {
  it('reads go1.22 inline build info with a module replacement (scalibr fixture)', async () => {
    const ref = await goVersionM(SCALIBR, scratch);
    const result = await parseFile(SCALIBR);
    expect(rows(result.packages)).toEqual(expectedRows(ref, ''));
    expect(rows(result.packages)).toContainEqual({
      module: 'github.com/golang/xerrors',
      version: 'v0.0.0-20220907171357-04be3eba64a2',
    });
    const replaced = result.packages?.find((p) => p.name === 'xerrors');
    expect(replaced?.metadata?.['replaces']).toBe(
      'golang.org/x/xerrors@v0.0.0-20220907171357-04be3eba64a2',
    );
    expect(result.warnings).toBeUndefined();
  });

  it('makes the main module depend on every module compiled in and its own stdlib, per binary', async () => {
    // Two binaries in one image, each with its own stdlib (go1.22 and go1.15).
    const catalog = await catalogFiles(
      [
        { name: 'usr/bin/one', content: await readFile(SCALIBR), mode: 0o755 },
        { name: 'usr/bin/two', content: await readFile(TRIVY_GO115), mode: 0o755 },
      ],
      [golangCataloger],
    );
    const byId = new Map(catalog.packages.map((p) => [p.id, p]));
    for (const [file, fixture] of [
      ['usr/bin/one', SCALIBR],
      ['usr/bin/two', TRIVY_GO115],
    ] as const) {
      const expected = expectedRows(await goVersionM(fixture, scratch), '');
      const mainPath = (await goVersionM(fixture, scratch)).lines.find((l) => l[0] === 'mod')?.[1];
      const main = catalog.packages.find(
        (p) => p.metadata?.['mainModule'] === true && p.locations[0]?.path === file,
      );
      expect(rows(main ? [main] : [])[0]?.module).toBe(mainPath);
      const deps = (main?.dependsOn ?? []).map((id) => byId.get(id));
      expect(deps.every((dep) => dep?.locations[0]?.path === file)).toBe(true);
      expect(rows(deps.filter((dep) => dep !== undefined)).sort(byModule)).toEqual(
        expected.filter((row) => row.module !== mainPath).sort(byModule),
      );
    }
  });

  it('reads go1.15 pointer-format build info through the program headers (trivy fixture)', async () => {
    const ref = await goVersionM(TRIVY_GO115, scratch);
    expect(ref.goVersion).toBe('go1.15.2');
    const result = await parseFile(TRIVY_GO115);
    expect(rows(result.packages)).toEqual(expectedRows(ref, ''));
    expect(result.packages).toHaveLength(5);
  });

  it('reads Debian-built Go programs (GOPATH mode, cgo, PIE) as the toolchain alone, like go version -m', async () => {
    // Installed by .ci/run (skopeo, podman, buildah, umoci, runc, docker-registry): real binaries
    // built without module mode, so their build info holds only `path` and `build` lines.
    const candidates = [
      '/usr/bin/skopeo',
      '/usr/bin/podman',
      '/usr/bin/buildah',
      '/usr/bin/umoci',
      '/usr/sbin/runc',
      '/usr/bin/docker-registry',
    ];
    const present = candidates.filter((path) => existsSync(path));
    expect(present.length).toBeGreaterThanOrEqual(3);
    for (const path of present) {
      const ref = await goVersionM(path, scratch);
      const result = await parseFile(path);
      expect(rows(result.packages), path).toEqual(expectedRows(ref, ''));
      expect(result.warnings, path).toBeUndefined();
    }
  });

  it('passes non-Go and non-ELF executables silently and fast', async () => {
    const script = Buffer.from('#!/bin/sh\necho hello\n');
    expect(
      await golangCataloger.parse({
        path: 'usr/bin/hello',
        type: 'file',
        mode: 0o755,
        size: script.length,
        content: script,
      }),
    ).toEqual({});
    const rustElf = await readFile(sharedFixture('pkgdb', 'rust', 'trivy', 'test.elf'));
    expect(
      await golangCataloger.parse({
        path: 'usr/bin/r',
        type: 'file',
        mode: 0o755,
        size: rustElf.length,
        content: rustElf,
      }),
    ).toEqual({});
  });

  it('claims executables but not scripts by name, nor non-executables', () => {
    const header = { type: 'file' as const, size: 100 };
    expect(golangCataloger.claims({ ...header, path: 'usr/local/bin/app', mode: 0o755 })).toBe(
      true,
    );
    expect(golangCataloger.claims({ ...header, path: 'usr/local/bin/run.sh', mode: 0o755 })).toBe(
      false,
    );
    expect(golangCataloger.claims({ ...header, path: 'usr/local/bin/app', mode: 0o644 })).toBe(
      false,
    );
    expect(
      golangCataloger.claims({
        ...header,
        path: 'usr/local/bin/app',
        mode: 0o755,
        type: 'symlink',
      }),
    ).toBe(false);
  });
});

describe('golang cataloger on binaries built here with the installed toolchain', () => {
  const built: Record<string, string> = {};
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv =>
    goEnv(`file://${join(scratch, 'proxy')}`, join(scratch, 'gopath'), extra);

  beforeAll(async () => {
    const lib = { 'lib.go': 'package lib\n\nfunc Name() string { return "lib" }\n' };
    await writeModuleProxy(join(scratch, 'proxy'), [
      { path: 'example.com/lib', version: 'v1.0.0', files: lib },
      // A fork served under another path; its go.mod keeps the original module path, as forks do.
      {
        path: 'example.com/fork',
        version: 'v1.1.0',
        files: { ...lib, 'go.mod': 'module example.com/lib\n' },
      },
      {
        path: 'example.com/tool',
        version: 'v1.2.0',
        files: {
          'go.mod': 'module example.com/tool\n\ngo 1.19\n\nrequire example.com/lib v1.0.0\n',
          'main.go':
            'package main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.Name()) }\n',
        },
      },
    ]);
    const app = join(scratch, 'app');
    await mkdir(join(app, 'local'), { recursive: true });
    await writeFile(join(app, 'local', 'go.mod'), 'module example.com/local\n\ngo 1.19\n');
    await writeFile(
      join(app, 'local', 'local.go'),
      'package local\n\nfunc Name() string { return "local" }\n',
    );
    await writeFile(
      join(app, 'go.mod'),
      [
        'module example.com/app',
        'go 1.19',
        'require (\n\texample.com/lib v1.0.0\n\texample.com/local v0.0.0\n)',
        'replace example.com/lib => example.com/fork v1.1.0',
        'replace example.com/local => ./local',
        '',
      ].join('\n\n'),
    );
    await writeFile(
      join(app, 'main.go'),
      'package main\n\nimport (\n\t"example.com/lib"\n\t"example.com/local"\n)\n\nvar version = "dev"\n\nfunc main() { println(lib.Name(), local.Name(), version) }\n',
    );
    await goCommand(['mod', 'tidy'], app, env());
    await gitCommit(app);
    const ldflags = '-ldflags=-s -w -X main.version=1.4.2';
    built['amd64'] = join(scratch, 'app-amd64');
    await goCommand(['build', ldflags, '-o', built['amd64'], '.'], app, env({ GOARCH: 'amd64' }));
    // The same program with a module info text over 64 KiB: the -ldflags go build records in it
    // carry an unused 80,000-character -X value (huge projects get there with their module lists).
    built['long-modinfo'] = join(scratch, 'app-long-modinfo');
    await goCommand(
      [
        'build',
        `${ldflags} -X main.unused=${'x'.repeat(80_000)}`,
        '-o',
        built['long-modinfo'],
        '.',
      ],
      app,
      env({ GOARCH: 'amd64' }),
    );
    for (const arch of ['386', 'mips', 'ppc64']) {
      built[arch] = join(scratch, `app-${arch}`);
      await goCommand(
        ['build', '-buildvcs=false', '-o', built[arch], '.'],
        app,
        env({ GOARCH: arch }),
      );
    }
    await goCommand(
      ['install', 'example.com/tool@v1.2.0'],
      scratch,
      env({ GOBIN: join(scratch, 'bin') }),
    );
    built['tool'] = join(scratch, 'bin', 'tool');
    // cgo, linked by LLVM's lld: it keeps the RELRO data in a writable segment of its own, so
    // .go.buildinfo lies in the second writable segment, not the first.
    const cgo = join(scratch, 'cgo');
    await mkdir(cgo, { recursive: true });
    await writeFile(join(cgo, 'go.mod'), 'module example.com/cgo\n\ngo 1.19\n');
    await writeFile(
      join(cgo, 'main.go'),
      'package main\n\n// static int answer(void) { return 42; }\nimport "C"\n\nfunc main() { println(C.answer()) }\n',
    );
    built['lld'] = join(scratch, 'cgo-lld');
    await goCommand(
      [
        'build',
        '-buildvcs=false',
        '-ldflags=-linkmode=external -extldflags=-fuse-ld=lld',
        '-o',
        built['lld'],
        '.',
      ],
      cgo,
      env({ CGO_ENABLED: '1' }),
    );
    // Position-independent, by Go's own linker: the RELRO data fills the first writable segment,
    // .go.buildinfo starts the second, and the section names lie in the middle of the file.
    built['pie'] = join(scratch, 'app-pie');
    await goCommand(
      ['build', '-buildvcs=false', '-buildmode=pie', '-o', built['pie'], '.'],
      app,
      env({ GOARCH: 'amd64' }),
    );
  });

  it('reports the fork for a module replacement, the original path for a directory replacement, and the ldflags version', async () => {
    const ref = await goVersionM(built['amd64']!, scratch);
    const result = await parseFile(built['amd64']!);
    expect(rows(result.packages)).toEqual(expectedRows(ref, 'v1.4.2'));
    expect(rows(result.packages)).toEqual(
      expect.arrayContaining([
        { module: 'example.com/app', version: 'v1.4.2' },
        { module: 'example.com/fork', version: 'v1.1.0' },
        { module: 'example.com/local', version: '' },
      ]),
    );
    const main = result.packages?.find((p) => p.metadata?.['mainModule'] === true);
    expect(main?.metadata).toMatchObject({ versionFrom: 'ldflags' });
    const revision = ref.lines
      .find(([kind, kv]) => kind === 'build' && kv?.startsWith('vcs.revision='))?.[1]
      ?.split('=')[1];
    expect(revision).toMatch(/^[0-9a-f]{40}$/);
    expect(main?.metadata?.['vcsRevision']).toBe(revision);
  });

  it.each(['386', 'mips', 'ppc64'])(
    'reads a GOARCH=%s binary (32/64-bit, little/big endian), whole and from a gzip layer',
    async (arch) => {
      const ref = await goVersionM(built[arch]!, scratch);
      expect(rows((await parseFile(built[arch]!)).packages)).toEqual(expectedRows(ref, ''));
      expect(await streamedRows(built[arch]!)).toEqual([...expectedRows(ref, '')].sort(byModule));
    },
  );

  it('reports the version of a main module built by go install module@version', async () => {
    const ref = await goVersionM(built['tool']!, scratch);
    expect(
      ref.lines.some(
        ([kind, path, version, sum]) =>
          kind === 'mod' &&
          path === 'example.com/tool' &&
          version === 'v1.2.0' &&
          sum?.startsWith('h1:'),
      ),
    ).toBe(true);
    expect(rows((await parseFile(built['tool']!)).packages)).toEqual(expectedRows(ref, 'v1.2.0'));
  });

  it('reads a module info text longer than 64 KiB whole, as debug/buildinfo does since Go 1.22', async () => {
    // The installed go1.19 stops at 64 KiB (golang/go#61644), so the reference is the same
    // program built without the long flag: the same modules, found the same way.
    const ref = await goVersionM(built['amd64']!, scratch);
    const bytes = await readFile(built['long-modinfo']!);
    const whole = await parseFile(built['long-modinfo']!);
    expect(whole.warnings).toBeUndefined();
    expect(rows(whole.packages)).toEqual(expectedRows(ref, 'v1.4.2'));
    // Read partly (a layer read by position) the result is the same, from a fraction of the file.
    const { file, filled } = partialFileOf(
      { path: 'usr/bin/app', type: 'file', mode: 0o755, size: bytes.length },
      bytes,
    );
    expect(await golangCataloger.prefill?.(file)).toBe(true);
    expect(filled()).toBeLessThan(bytes.length / 4);
    expect(await golangCataloger.parse(file)).toEqual(whole);
  });

  it.each([
    ['lld', 'a cgo binary lld linked'],
    ['pie', 'a PIE binary Go linked'],
  ])(
    'reads %s (%s: build info in the second writable segment), whole and from a gzip layer',
    async (kind) => {
      const ref = await goVersionM(built[kind]!, scratch);
      const expected = expectedRows(ref, '');
      expect(rows((await parseFile(built[kind]!)).packages)).toEqual(expected);
      expect(await streamedRows(built[kind]!)).toEqual([...expected].sort(byModule));
      const content = await readFile(built[kind]!);
      // With the section headers gone, the later writable segment is searched too (Go's own
      // fallback looks at the first only, and finds nothing in such a file).
      const stripped = Buffer.from(content);
      stripped.writeBigUInt64LE(0n, 40); // e_shoff
      stripped.writeUInt16LE(0, 60); // e_shnum
      stripped.writeUInt16LE(0, 62); // e_shstrndx
      const path = join(scratch, `${kind}-no-sections`);
      await writeFile(path, stripped);
      expect(rows((await parseFile(path)).packages)).toEqual(expected);
    },
  );

  it('finds the build info through the data segment when the section headers are gone', async () => {
    const stripped = Buffer.from(await readFile(built['amd64']!));
    stripped.writeBigUInt64LE(0n, 40); // e_shoff
    stripped.writeUInt16LE(0, 60); // e_shnum
    stripped.writeUInt16LE(0, 62); // e_shstrndx
    const path = join(scratch, 'app-no-sections');
    await writeFile(path, stripped);
    const ref = await goVersionM(path, scratch);
    expect(rows((await parseFile(path)).packages)).toEqual(expectedRows(ref, 'v1.4.2'));
  });

  it('catalogs a Go binary end to end with purls and the layer location', async () => {
    const content = await readFile(built['amd64']!);
    const catalog = await catalogFiles(
      [{ name: 'usr/local/bin/app', content, mode: 0o755 }],
      [golangCataloger],
    );
    const purls = catalog.packages.map((p) => p.purl);
    expect(purls).toEqual(
      expect.arrayContaining([
        `pkg:golang/stdlib@v${(await goVersionM(built['amd64']!, scratch)).goVersion.slice(2)}`,
        'pkg:golang/example.com/app@v1.4.2',
        'pkg:golang/example.com/fork@v1.1.0',
        'pkg:golang/example.com/local',
      ]),
    );
    for (const pkg of catalog.packages) {
      expect(pkg.cataloger).toBe('golang');
      expect(pkg.locations.map((l) => [l.path, l.layerIndex])).toEqual([['usr/local/bin/app', 0]]);
      expect(pkg.locations[0]?.layerDiffId).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });
});

describe('golang cataloger on damaged and hostile binaries', () => {
  const parseBytes = (content: Buffer): ReturnType<typeof golangCataloger.parse> =>
    golangCataloger.parse({
      path: 'usr/bin/x',
      type: 'file',
      mode: 0o755,
      size: content.length,
      content,
    });

  /** Byte offset of a section header, found from the ELF header fields (64-bit little-endian). */
  function sectionHeaderAt(elf: Buffer, wanted: string): number {
    const shoff = Number(elf.readBigUInt64LE(40));
    const shnum = elf.readUInt16LE(60);
    const strtab = shoff + elf.readUInt16LE(62) * 64;
    const strOffset = Number(elf.readBigUInt64LE(strtab + 24));
    for (let i = 0; i < shnum; i += 1) {
      const at = shoff + i * 64;
      const nameAt = strOffset + elf.readUInt32LE(at);
      if (elf.toString('latin1', nameAt, elf.indexOf(0, nameAt)) === wanted) return at;
    }
    throw new Error(`no section ${wanted}`);
  }

  it('warns about a truncated ELF header', async () => {
    const result = await parseBytes((await readFile(SCALIBR)).subarray(0, 40));
    expect(result.packages).toBeUndefined();
    expect(result.warnings).toEqual(['unreadable ELF file: truncated ELF header']);
  });

  it('falls back to the data segment when the .go.buildinfo section points outside the file', async () => {
    const elf = Buffer.from(await readFile(SCALIBR));
    elf.writeBigUInt64LE(0xffffffffffn, sectionHeaderAt(elf, '.go.buildinfo') + 24);
    const result = await parseBytes(elf);
    expect(rows(result.packages)).toEqual(expectedRows(await goVersionM(SCALIBR, scratch), ''));
  });

  it('warns, without packages, when no header table can be trusted', async () => {
    const elf = Buffer.from(await readFile(SCALIBR));
    elf.writeBigUInt64LE(BigInt(elf.length), 32); // e_phoff past the end
    elf.writeBigUInt64LE(BigInt(elf.length - 8), 40); // e_shoff past the end
    const result = await parseBytes(elf);
    expect(result.packages).toBeUndefined();
    expect(result.warnings).toEqual([
      'damaged ELF file: program headers lie outside the file',
      'damaged ELF file: section headers lie outside the file',
    ]);
  });

  it('warns when old-format build info points at nothing', async () => {
    const elf = Buffer.from(await readFile(TRIVY_GO115));
    const header = elf.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
    elf.writeBigUInt64LE(0xdead0000n, header + 16);
    const result = await parseBytes(elf);
    expect(result.packages).toBeUndefined();
    expect(result.warnings).toEqual([
      'Go build info points at a version string outside the loaded segments',
    ]);
  });

  it('warns when old-format build info points at a version of NUL bytes (a file kept partly)', async () => {
    const elf = Buffer.from(await readFile(TRIVY_GO115));
    // The one copy of the version string the header points at, zeroed as if never read.
    const version = elf.indexOf(Buffer.from('go1.15.2'));
    expect(elf.indexOf(Buffer.from('go1.15.2'), version + 1)).toBe(-1);
    elf.fill(0, version, version + 8);
    const result = await parseBytes(elf);
    expect(result.packages).toBeUndefined();
    expect(result.warnings).toEqual(['Go build info points at a version string of NUL bytes']);
  });

  it('warns when inline build info claims a string longer than the data', async () => {
    const elf = Buffer.from(await readFile(SCALIBR));
    const header = elf.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
    elf.set([0xff, 0xff, 0xff, 0x7f], header + 32);
    const result = await parseBytes(elf);
    expect(result.packages).toBeUndefined();
    expect(result.warnings).toEqual(['Go build info strings run past the .go.buildinfo data']);
  });

  it('skips malformed modinfo lines with a warning and keeps the rest', async () => {
    const elf = Buffer.from(await readFile(SCALIBR));
    const line = Buffer.from('\nbuild\t-compiler=gc\n');
    // runtime.modinfo has a copy in .rodata; the one read is inline after the build info header.
    const at = elf.indexOf(line, elf.indexOf(Buffer.from('\xff Go buildinf:', 'latin1')));
    expect(at).toBeGreaterThan(0);
    elf.write('\nbuild\t=no-key-here\n', at, 'latin1'); // same length, so the blob stays framed
    const result = await parseBytes(elf);
    expect(result.warnings?.[0]).toMatch(/^modinfo line \d+: build line is missing 'key='$/);
    expect(rows(result.packages)).toContainEqual({
      module: 'github.com/golang/xerrors',
      version: 'v0.0.0-20220907171357-04be3eba64a2',
    });
  });
});
