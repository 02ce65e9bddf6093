import { readFile } from 'node:fs/promises';
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
