import { chmod, copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { openImage, writeOciLayout } from '../oci/index.js';
import { sharedFixture, useTempDir } from '../testing/index.js';
import { analyzeLayer } from './analyze-layer.js';
import { allCatalogers } from './api.js';

const root = useTempDir();

describe('the layer pass reads only what catalogers want', () => {
  it('reads an ELF executable whole but only peeks at a script with an execute bit', async () => {
    // A real Go binary (Trivy's test data, go1.15.2) and a 2 MB shell script, both executable.
    const elf = await readFile(sharedFixture('pkgdb', 'go', 'trivy', 'test.elf'));
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
    const image = await openImage(dir, { tmpDir: tmpdir() });
    try {
      const layer = image.layers[0];
      if (!layer) throw new Error('no layer');
      const analysis = await analyzeLayer(image, layer, allCatalogers());
      // Both are claimed (an upper layer's copy at either path would hide them) ...
      expect(analysis.claimed.map((file) => file.path).sort()).toEqual([
        'usr/local/bin/app',
        'usr/local/bin/run',
      ]);
      // ... but only the ELF file's bytes were read; the script was looked at, not copied.
      expect(analysis.stats.claimedBytes).toBe(elf.length);
      expect(analysis.results.map((result) => [result.path, result.cataloger])).toEqual([
        ['usr/local/bin/app', 'golang'],
      ]);
    } finally {
      await image.close();
    }
  });
});

describe('large executables in a layer read by position are read only where catalogers look', () => {
  const GO122 = sharedFixture(
    'pkgdb',
    'go',
    'scalibr',
    'binary_with_module_replacement-linux-amd64',
  );
  const GO115 = sharedFixture('pkgdb', 'go', 'trivy', 'test.elf');

  async function analyzeRootfs(name: string, binary: string) {
    const rootfs = join(root, name);
    await mkdir(join(rootfs, 'usr/local/bin'), { recursive: true });
    await copyFile(binary, join(rootfs, 'usr/local/bin/app'));
    await chmod(join(rootfs, 'usr/local/bin/app'), 0o755);
    const image = await openImage(`dir:${rootfs}`, { tmpDir: tmpdir() });
    try {
      const layer = image.layers[0];
      if (!layer) throw new Error('no layer');
      return await analyzeLayer(image, layer, allCatalogers());
    } finally {
      await image.close();
    }
  }

  it('reads the headers and build info of a Go 1.18+ binary, not the whole 2 MB', async () => {
    const whole = await readFile(GO122);
    const analysis = await analyzeRootfs('go122', GO122);
    expect(analysis.stats.claimedBytes).toBeLessThan(whole.length / 10);
    const golang = analysis.results.find((result) => result.cataloger === 'golang');
    const expected = await allCatalogers()
      .find((cataloger) => cataloger.id === 'golang')
      ?.parse({
        path: 'usr/local/bin/app',
        type: 'file',
        mode: 0o755,
        size: whole.length,
        content: whole,
      });
    expect(golang?.result.packages?.length).toBeGreaterThan(1);
    expect(golang?.result).toEqual(expected);
  });

  it('reads a Go 1.15 binary whole: its build info points at strings anywhere in the file', async () => {
    const whole = await readFile(GO115);
    const analysis = await analyzeRootfs('go115', GO115);
    expect(analysis.stats.claimedBytes).toBe(whole.length);
    expect(analysis.results.map((result) => result.cataloger)).toEqual(['golang']);
  });
});
