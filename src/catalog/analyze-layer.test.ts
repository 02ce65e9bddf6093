import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildTar, openImage, writeOciLayout } from '../oci/index.js';
import { sharedFixture, useTempDir } from '../testing/index.js';
import { analyzeLayer } from './analyze-layer.js';
import { buildZip } from './internal/testing/index.js';
import { allCatalogers } from './api.js';

const root = useTempDir();
const GO122 = sharedFixture('pkgdb', 'go', 'scalibr', 'binary_with_module_replacement-linux-amd64');
const GO115 = sharedFixture('pkgdb', 'go', 'trivy', 'test.elf');

/** The first layer of the image at `input`, analysed by every cataloger. */
async function analyzeFirstLayer(input: string) {
  const image = await openImage(input, { tmpDir: tmpdir() });
  try {
    const layer = image.layers[0];
    if (!layer) throw new Error('no layer');
    return await analyzeLayer(image, layer, allCatalogers());
  } finally {
    await image.close();
  }
}

/** One cataloger's parse of a whole file: what a partial read must give too. */
async function parseWhole(id: string, path: string, content: Buffer) {
  const cataloger = allCatalogers().find((candidate) => candidate.id === id);
  if (!cataloger) throw new Error(`no cataloger ${id}`);
  return cataloger.parse({ path, type: 'file', mode: 0o755, size: content.length, content });
}

describe('the layer pass reads only what catalogers want', () => {
  it('reads an ELF executable but only peeks at a script with an execute bit', async () => {
    // A real Go binary (Trivy's test data, go1.15.2) and a 2 MB shell script, both executable.
    const elf = await readFile(GO115);
    const script = `#!/bin/sh\n${'echo lockyard\n'.repeat(150_000)}`;
    const dir = join(root, 'image');
    await writeOciLayout(dir, {
      layers: [
        {
          kind: 'entries',
          entries: [
            { name: 'usr/local/bin/app', content: elf, mode: 0o755 },
            { name: 'usr/local/bin/run', content: script, mode: 0o755 },
          ],
        },
      ],
    });
    const analysis = await analyzeFirstLayer(dir);
    // Both are claimed (an upper layer's copy at either path would hide them) ...
    expect(analysis.claimed.map((file) => file.path).sort()).toEqual([
      'usr/local/bin/app',
      'usr/local/bin/run',
    ]);
    // ... but only (parts of) the ELF file were kept; the 2 MB script was looked at, not copied.
    expect(analysis.stats.claimedBytes).toBeGreaterThan(0);
    expect(analysis.stats.claimedBytes).toBeLessThan(elf.length);
    expect(analysis.results.map((result) => [result.path, result.cataloger])).toEqual([
      ['usr/local/bin/app', 'golang'],
    ]);
  });
});

describe('large executables in a layer read by position are read only where catalogers look', () => {
  async function analyzeRootfs(name: string, binary: string) {
    const rootfs = join(root, name);
    await mkdir(join(rootfs, 'usr/local/bin'), { recursive: true });
    await copyFile(binary, join(rootfs, 'usr/local/bin/app'));
    await chmod(join(rootfs, 'usr/local/bin/app'), 0o755);
    return analyzeFirstLayer(`dir:${rootfs}`);
  }

  it('reads the headers and build info of a Go 1.18+ binary, not the whole 2 MB', async () => {
    const whole = await readFile(GO122);
    const analysis = await analyzeRootfs('go122', GO122);
    expect(analysis.stats.claimedBytes).toBeLessThan(whole.length / 10);
    const golang = analysis.results.find((result) => result.cataloger === 'golang');
    expect(golang?.result.packages?.length).toBeGreaterThan(1);
    expect(golang?.result).toEqual(await parseWhole('golang', 'usr/local/bin/app', whole));
  });

  it('reads a Go 1.15 binary whole: its build info points at strings anywhere in the file', async () => {
    const whole = await readFile(GO115);
    const analysis = await analyzeRootfs('go115', GO115);
    expect(analysis.stats.claimedBytes).toBe(whole.length);
    expect(analysis.results.map((result) => result.cataloger)).toEqual(['golang']);
  });
});

describe('large executables in a compressed layer are kept only where catalogers look', () => {
  const RUST = sharedFixture('pkgdb', 'rust', 'scalibr', 'uses_serde_json');
  const run = promisify(execFile);

  /** The binary alone in a gzip layer, as a registry serves it: analysed, and parsed whole. */
  async function streamed(name: string, bytes: Buffer) {
    const dir = join(root, `stream-${name}`);
    await writeOciLayout(dir, {
      layers: [
        { kind: 'entries', entries: [{ name: 'usr/local/bin/app', content: bytes, mode: 0o755 }] },
      ],
    });
    const analysis = await analyzeFirstLayer(dir);
    const whole = await Promise.all(
      ['golang', 'rust'].map(async (id) => ({
        cataloger: id,
        result: await parseWhole(id, 'usr/local/bin/app', bytes),
      })),
    );
    const byCataloger = (id: string) =>
      analysis.results.find((result) => result.cataloger === id)?.result;
    return { analysis, byCataloger, whole };
  }

  /** The parse of the whole file by one cataloger, as analyzeLayer records it (or undefined). */
  function recorded(whole: { cataloger: string; result: object }[], id: string) {
    const result = whole.find((entry) => entry.cataloger === id)?.result;
    return result && Object.keys(result).length > 0 ? result : undefined;
  }

  it('keeps the headers and data segment of a Go 1.18+ binary, with the same result', async () => {
    const bytes = await readFile(GO122);
    const { analysis, byCataloger, whole } = await streamed('go122', bytes);
    expect(analysis.stats.claimedBytes).toBeLessThan(bytes.length / 4);
    expect(byCataloger('golang')?.packages?.length).toBeGreaterThan(1);
    expect(byCataloger('golang')).toEqual(recorded(whole, 'golang'));
    expect(byCataloger('rust')).toBeUndefined();
  });

  it('keeps the strings a Go 1.15 build info points back at, as they pass', async () => {
    const bytes = await readFile(GO115);
    const { analysis, byCataloger, whole } = await streamed('go115', bytes);
    expect(analysis.stats.claimedBytes).toBeLessThan(bytes.length / 4);
    expect(byCataloger('golang')?.packages?.length).toBeGreaterThan(1);
    expect(byCataloger('golang')).toEqual(recorded(whole, 'golang'));
  });

  it("finds the build info of Debian's skopeo (cgo, the system linker put it after .data)", async () => {
    const bytes = await readFile('/usr/bin/skopeo');
    const { analysis, byCataloger, whole } = await streamed('skopeo', bytes);
    expect(analysis.stats.claimedBytes).toBeLessThan(bytes.length / 4);
    expect(byCataloger('golang')?.packages?.map((p) => p.name)).toContain('stdlib');
    expect(byCataloger('golang')).toEqual(recorded(whole, 'golang'));
  });

  it('reads an old Go binary whole when its head does not show the Go build ID note', async () => {
    const bytes = Buffer.from(await readFile(GO115));
    // The note's type (4, the Go build ID) made anything else: the head no longer says "Go",
    // so nothing tells where the section names are, nor that no Rust data hides in the file.
    const note = bytes.indexOf(Buffer.from('Go\0\0', 'latin1')) - 12;
    expect(bytes.readUInt32LE(note + 8)).toBe(4);
    bytes.writeUInt32LE(0x99, note + 8);
    const { analysis, byCataloger, whole } = await streamed('go115-no-note', bytes);
    expect(analysis.stats.claimedBytes).toBe(bytes.length);
    expect(byCataloger('golang')?.packages?.length).toBeGreaterThan(1);
    expect(byCataloger('golang')).toEqual(recorded(whole, 'golang'));
  });

  /** The Rust fixture grown by binutils' objcopy with a section nothing loads (as debug info is). */
  async function paddedRust(mib: number): Promise<Buffer> {
    const pad = join(root, `pad-${mib}m`);
    const padded = join(root, `rust-padded-${mib}m`);
    await writeFile(pad, Buffer.alloc(mib * 1024 * 1024, 0x5a));
    await run('objcopy', ['--add-section', `.lockyard-pad=${pad}`, RUST, padded]);
    return readFile(padded);
  }

  it('keeps the unloaded tail of a cargo-auditable binary, where .dep-v0 lies', async () => {
    // A real binary grown past the partial-read threshold.
    const bytes = await paddedRust(2);
    const { analysis, byCataloger, whole } = await streamed('rust', bytes);
    expect(analysis.stats.claimedBytes).toBeLessThan(bytes.length);
    expect(byCataloger('rust')?.packages?.map((p) => p.name)).toContain('serde_json');
    expect(byCataloger('rust')).toEqual(recorded(whole, 'rust'));
  });

  it('reads a binary whole when its unloaded tail is over 16 MiB', async () => {
    const bytes = await paddedRust(17);
    const { analysis, byCataloger, whole } = await streamed('rust-17m', bytes);
    expect(analysis.stats.claimedBytes).toBe(bytes.length);
    expect(byCataloger('rust')).toEqual(recorded(whole, 'rust'));
  });
});

describe('large files in an uncompressed layer read as a stream are read by position', () => {
  /** The files alone in an uncompressed layer (below the size where the whole layer is seeked). */
  async function analyzePlain(name: string, files: { name: string; content: Buffer }[]) {
    const dir = join(root, `plain-${name}`);
    await writeOciLayout(dir, {
      compression: 'none',
      layers: [{ kind: 'entries', entries: files.map((file) => ({ ...file, mode: 0o755 })) }],
    });
    return analyzeFirstLayer(dir);
  }

  it('reads a Go binary and a fat jar only where their catalogers look, with the same results', async () => {
    const go = await readFile(GO122);
    // A fat jar as Spring Boot stores them: a library stored inside it, holding 3 MiB of data.
    const library = buildZip([
      {
        name: 'META-INF/maven/com.example/big-lib/pom.properties',
        content: 'groupId=com.example\nartifactId=big-lib\nversion=2.0.1\n',
      },
      { name: 'big-lib/data.bin', content: randomBytes(3 * 1024 * 1024), method: 0 },
    ]);
    const jar = buildZip([
      { name: 'BOOT-INF/lib/big-lib-2.0.1.jar', content: library, method: 0 },
      {
        name: 'META-INF/maven/com.example/service/pom.properties',
        content: 'groupId=com.example\nartifactId=service\nversion=1.0.0\n',
      },
    ]);
    const analysis = await analyzePlain('go-jar', [
      { name: 'usr/local/bin/app', content: go },
      { name: 'opt/service-1.0.0.jar', content: jar },
    ]);
    expect(analysis.stats.claimedBytes).toBeLessThan((go.length + jar.length) / 10);
    const whole = [
      await parseWhole('golang', 'usr/local/bin/app', go),
      await parseWhole('java', 'opt/service-1.0.0.jar', jar),
    ];
    expect(analysis.results.map((result) => result.result)).toEqual(whole);
    expect(whole[1]?.packages?.map((p) => p.name)).toEqual(['service', 'big-lib']);
  });
});

describe('a truncated uncompressed layer read by position', () => {
  it('names the member cut short instead of reading past the layer', async () => {
    // A layer whose last member, a large Go binary, is cut short: its digest and size are those
    // of the cut blob, so only the tar itself says something is missing.
    const go = await readFile(GO122);
    const whole = await buildTar([{ name: 'usr/local/bin/app', content: go, mode: 0o755 }]);
    const cut = whole.subarray(0, 512 + go.length / 2);
    const digest = `sha256:${createHash('sha256').update(cut).digest('hex')}`;
    const dir = join(root, 'cut');
    await writeOciLayout(dir, {
      layers: [
        {
          kind: 'blob',
          data: cut,
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          diffId: digest,
        },
      ],
    });
    await expect(analyzeFirstLayer(dir)).rejects.toThrow(
      /unexpected end of archive inside (a member|member "usr\/local\/bin\/app") \(2042736 bytes declared, 1021368 left\)/,
    );
  });
});
