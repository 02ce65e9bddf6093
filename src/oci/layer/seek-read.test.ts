import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { openImage } from '../open-image.js';
import { writeOciLayout } from '../writers/oci-layout-writer.js';
import { readLayer } from './read-layer.js';

const root = useTempDir();
// Read by position with a worker thread hashing: the test lowers the threshold (128 MiB) to 16 MiB.
const big = randomBytes(20 * 1024 * 1024);

/** The entry paths; `done` gets, per layer, its blob size and the bytes done once read. */
async function readAll(dir: string, done: [number | undefined, number][] = []): Promise<string[]> {
  const image = await openImage(dir, { tmpDir: tmpdir() });
  const paths: string[] = [];
  try {
    for (const layer of image.layers) {
      let bytesDone = (): number => -1;
      for await (const event of readLayer(layer, {
        imageName: dir,
        seekMinBytes: 16 * 1024 * 1024,
        onOpen: (accessor) => (bytesDone = accessor),
      }))
        if (event.type === 'entry') paths.push(event.entry.path);
      done.push([layer.kind === 'blob' ? layer.size : undefined, bytesDone()]);
    }
  } finally {
    await image.close();
  }
  return paths;
}

describe('large uncompressed layers in local files, read by position while a worker hashes them', () => {
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
    const done: [number | undefined, number][] = [];
    expect(await readAll(dir, done)).toEqual(['big.bin', 'etc/hostname']);
    // Progress: by the end every byte of the blob (compressed or not) is read and hashed.
    const [[size, bytesDone] = []] = done;
    expect(size).toBeGreaterThan(compression === 'none' ? big.length : 0);
    expect(bytesDone).toBe(size);
  });

  it('catches one flipped byte in a large uncompressed blob', async () => {
    const dir = join(root, 'flipped');
    const written = await writeOciLayout(dir, {
      compression: 'none',
      layers: [{ kind: 'entries', entries: [{ name: 'big.bin', content: big }] }],
    });
    const digest = written.layers[0]?.digest ?? '';
    const handle = await open(join(dir, 'blobs', 'sha256', digest.slice(7)), 'r+');
    // Flipped, not overwritten: a random byte that already held the new value changed nothing.
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, 10 * 1024 * 1024);
    await handle.write(Buffer.from([(byte[0] ?? 0) ^ 0xff]), 0, 1, 10 * 1024 * 1024);
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

  it('verifies the diff_id of a classic docker-archive layer, and catches a flipped byte in it', async () => {
    const layout = join(root, 'for-archive');
    await writeOciLayout(
      layout,
      {
        compression: 'none',
        layers: [{ kind: 'entries', entries: [{ name: 'big.bin', content: big }] }],
      },
      'big',
    );
    const archive = join(root, 'big.tar');
    execFileSync('skopeo', [
      'copy',
      '--quiet',
      `oci:${layout}:big`,
      `docker-archive:${archive}:lockyard/big:1`,
    ]);
    expect(await readAll(archive)).toEqual(['big.bin']);
    // Flip a byte in the middle of the big file's data: inside the layer, far from any header.
    const raw = await readFile(archive);
    const at = raw.indexOf(big.subarray(0, 64)) + 10 * 1024 * 1024;
    const handle = await open(archive, 'r+');
    await handle.write(Buffer.from([raw[at] === 0 ? 1 : 0]), 0, 1, at);
    await handle.close();
    await expect(readAll(archive)).rejects.toThrow(/diff_id digest mismatch \(expected sha256:/);
  });

  it('reads ranges of a body by position, refuses ranges outside it, and still verifies the blob', async () => {
    const dir = join(root, 'ranges');
    await writeOciLayout(dir, {
      compression: 'none',
      layers: [{ kind: 'entries', entries: [{ name: 'big.bin', content: big }] }],
    });
    const image = await openImage(dir, { tmpDir: tmpdir() });
    try {
      const layer = image.layers[0];
      if (!layer) throw new Error('no layer');
      let checked = 0;
      for await (const event of readLayer(layer, { imageName: dir, seekMinBytes: 16 << 20 })) {
        if (event.type !== 'entry' || event.entry.type !== 'file') continue;
        const { readInto } = event.entry;
        if (!readInto) throw new Error('a layer read by position offers readInto');
        const target = Buffer.alloc(big.length);
        await readInto(target, 5_000_000, 4096);
        expect(
          target.subarray(5_000_000, 5_004_096).equals(big.subarray(5_000_000, 5_004_096)),
        ).toBe(true);
        expect(target.subarray(0, 4096).equals(Buffer.alloc(4096))).toBe(true);
        await expect(readInto(target, big.length - 10, 11)).rejects.toThrow(/outside the member/);
        checked += 1;
      }
      // The loop ran to the end, so the worker's digest of the whole blob matched.
      expect(checked).toBe(1);
    } finally {
      await image.close();
    }
  });

  it('refuses a hostile entry name in a layer read by position', async () => {
    const dir = join(root, 'hostile');
    await writeOciLayout(dir, {
      compression: 'none',
      layers: [
        {
          kind: 'entries',
          entries: [
            { name: 'big.bin', content: big },
            { name: '../../etc/passwd', content: 'x' },
          ],
        },
      ],
    });
    await expect(readAll(dir)).rejects.toThrow(/\.\.\/\.\.\/etc\/passwd/);
  });

  it('lets timers run while it walks a layer by position (the progress display redraws)', async () => {
    const dir = join(root, 'many');
    const small = Array.from({ length: 20_000 }, (_, index) => ({
      name: `usr/share/doc/f${index}`,
      content: `file ${index}`,
    }));
    await writeOciLayout(dir, {
      compression: 'none',
      layers: [{ kind: 'entries', entries: [...small, { name: 'big.bin', content: big }] }],
    });
    const image = await openImage(dir, { tmpDir: tmpdir() });
    try {
      const layer = image.layers[0];
      if (!layer) throw new Error('no layer');
      let fired = false;
      let firedBeforeLast = false;
      let entries = 0;
      for await (const event of readLayer(layer, { imageName: dir, seekMinBytes: 16 << 20 })) {
        if (event.type !== 'entry') continue;
        entries += 1;
        // A walk that never waited for I/O (headers parsed in place, synchronous reads) would
        // starve timers until the end: the progress display would not move.
        if (entries === 1) setTimeout(() => (fired = true), 0);
        if (event.entry.path === 'big.bin') firedBeforeLast = fired;
      }
      expect(entries).toBe(small.length + 1);
      expect(firedBeforeLast).toBe(true);
    } finally {
      await image.close();
    }
  });
});
