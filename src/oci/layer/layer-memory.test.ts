import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { BlobLayer } from '../image.js';
import { MediaType } from '../media-types.js';
import { readLayer } from './read-layer.js';

// A measurement, not a timed test: it reads a generated 1 GiB layer and reports throughput and
// peak RSS. It runs only with LOCKYARD_MEASURE=1 (it takes a while); the one assertion is that
// memory stays flat, which is behaviour, not speed.
const enabled = process.env['LOCKYARD_MEASURE'] === '1';
const TOTAL = 1024 ** 3;
const FILE_SIZES = [512, 4096, 30_000, 250_000, 4 * 1024 * 1024];

function header(name: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write('00000000000\0', 136, 'latin1');
  block.write('0', 156, 'latin1');
  block.write('ustar\x0000', 257, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

/** About 1 GiB of tar in files of mixed sizes, produced on the fly (the generator holds ~4 MiB). */
function* generatedTar(): Generator<Buffer> {
  const pattern = Buffer.alloc(4 * 1024 * 1024);
  for (let index = 0; index < pattern.length; index += 1)
    pattern[index] = (index * 2654435761) >>> 24;
  let written = 0;
  for (let index = 0; written < TOTAL; index += 1) {
    const size = FILE_SIZES[index % FILE_SIZES.length] ?? 512;
    yield header(`data/dir${index % 97}/file${index}.bin`, size);
    yield pattern.subarray(0, size);
    const pad = (512 - (size % 512)) % 512;
    if (pad) yield Buffer.alloc(pad);
    written += 512 + size + pad;
  }
  yield Buffer.alloc(1024);
}

function layerFrom(open: () => Readable, mediaType: string): BlobLayer {
  return {
    kind: 'blob',
    index: 0,
    digest: undefined,
    diffId: undefined,
    mediaType,
    size: undefined,
    history: undefined,
    open: () => Promise.resolve(open()),
  };
}

async function measure(
  layer: BlobLayer,
): Promise<{ seconds: number; peakMb: number; baseMb: number; entries: number; bytes: number }> {
  global.gc?.();
  const baseMb = process.memoryUsage().rss / 1e6;
  let peakMb = baseMb;
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, process.memoryUsage().rss / 1e6);
  }, 20);
  const started = performance.now();
  let entries = 0;
  let bytes = 0;
  const hash = createHash('sha256');
  for await (const event of readLayer(layer, { imageName: 'generated' })) {
    if (event.type !== 'entry') continue;
    entries += 1;
    // Read one file in 16 (as catalogers claim some files) so bodies are buffered too.
    if (entries % 16 === 0) {
      const body = await event.entry.read();
      bytes += body.length;
      hash.update(body);
    }
  }
  clearInterval(timer);
  peakMb = Math.max(peakMb, process.memoryUsage().rss / 1e6);
  return { seconds: (performance.now() - started) / 1000, peakMb, baseMb, entries, bytes };
}

describe.skipIf(!enabled)(
  'layer reader memory and throughput on a generated 1 GiB layer (LOCKYARD_MEASURE=1)',
  () => {
    it('plain tar: memory flat', async () => {
      const result = await measure(
        layerFrom(() => Readable.from(generatedTar()), MediaType.ociLayer),
      );
      console.log(
        `plain: ${result.entries} entries, ${(TOTAL / 1e6 / result.seconds).toFixed(0)} MB/s, RSS ${result.baseMb.toFixed(0)} -> peak ${result.peakMb.toFixed(0)} MB`,
      );
      expect(result.peakMb - result.baseMb).toBeLessThan(200);
    }, 600_000);

    it('gzip: memory flat', async () => {
      const result = await measure(
        layerFrom(
          () => Readable.from(generatedTar()).pipe(createGzip({ level: 1 })),
          MediaType.ociLayerGzip,
        ),
      );
      console.log(
        `gzip (generated and compressed in the same process): ${(TOTAL / 1e6 / result.seconds).toFixed(0)} MB/s of tar, RSS ${result.baseMb.toFixed(0)} -> peak ${result.peakMb.toFixed(0)} MB`,
      );
      expect(result.peakMb - result.baseMb).toBeLessThan(200);
    }, 600_000);
  },
);
