import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { openImage } from '../open-image.js';
import { writeOciLayout } from '../writers/oci-layout-writer.js';
import { readLayer } from './read-layer.js';

const root = useTempDir();
// Hashed in a worker thread: the test lowers the threshold (512 MiB by default) to 16 MiB.
const big = randomBytes(20 * 1024 * 1024);

async function readAll(dir: string): Promise<string[]> {
  const image = await openImage(dir, { tmpDir: tmpdir() });
  const paths: string[] = [];
  try {
    for (const layer of image.layers) {
      for await (const event of readLayer(layer, {
        imageName: dir,
        offloadMinBytes: 16 * 1024 * 1024,
      }))
        if (event.type === 'entry') paths.push(event.entry.path);
    }
  } finally {
    await image.close();
  }
  return paths;
}

describe('digests of large file-backed blobs, hashed in a worker thread', () => {
  it.each(['none', 'gzip'] as const)('verifies a correct %s layer', async (compression) => {
    const dir = join(root, `ok-${compression}`);
    await writeOciLayout(dir, {
      compression,
      layers: [
        {
          kind: 'entries',
          entries: [
            { name: 'big.bin', content: big },
            { name: 'etc/hostname', content: 'x' },
          ],
        },
      ],
    });
    expect(await readAll(dir)).toEqual(['big.bin', 'etc/hostname']);
  });

  it('catches one flipped byte in a large uncompressed blob', async () => {
    const dir = join(root, 'flipped');
    const written = await writeOciLayout(dir, {
      compression: 'none',
      layers: [{ kind: 'entries', entries: [{ name: 'big.bin', content: big }] }],
    });
    const digest = written.layers[0]?.digest ?? '';
    const handle = await open(join(dir, 'blobs', 'sha256', digest.slice(7)), 'r+');
    await handle.write(Buffer.from([0x42]), 0, 1, 10 * 1024 * 1024);
    await handle.close();
    await expect(readAll(dir)).rejects.toThrow(/blob digest mismatch \(expected sha256:/);
  });

  it('catches a large blob cut short', async () => {
    const dir = join(root, 'short');
    const written = await writeOciLayout(dir, {
      compression: 'none',
      layers: [{ kind: 'entries', entries: [{ name: 'big.bin', content: big }] }],
    });
    const digest = written.layers[0]?.digest ?? '';
    const handle = await open(join(dir, 'blobs', 'sha256', digest.slice(7)), 'r+');
    await handle.truncate(18 * 1024 * 1024);
    await handle.close();
    await expect(readAll(dir)).rejects.toThrow(/layer sha256:[0-9a-f]+/);
  });
});
