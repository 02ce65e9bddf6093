import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByteQueue, DIRECT_READ_MIN_BYTES } from './byte-queue.js';

/** A source that hands out `data` in chunks of the given sizes, in turn. */
function source(data: Buffer, sizes: readonly number[]): AsyncIterator<Buffer> {
  let at = 0;
  let turn = 0;
  return {
    next() {
      if (at >= data.length) return Promise.resolve({ done: true, value: undefined });
      const size = sizes[turn++ % sizes.length] ?? 1;
      const chunk = data.subarray(at, at + size);
      at += size;
      return Promise.resolve({ done: false, value: chunk });
    },
  };
}

describe('ByteQueue.read', () => {
  const data = randomBytes(3 * DIRECT_READ_MIN_BYTES + 12345);

  it.each([
    ['a small body gathered from chunks', 1000],
    ['a large body copied as it arrives', 2 * DIRECT_READ_MIN_BYTES + 777],
  ])('%s: the same bytes, in a buffer of its own', async (_name, count) => {
    const queue = new ByteQueue(source(data, [70_001, 262_144, 13]));
    await queue.skip(5);
    const body = await queue.read(count);
    expect(body?.equals(data.subarray(5, 5 + count))).toBe(true);
    // Its own memory: no view into a chunk of the stream.
    expect(body?.buffer).not.toBe(data.buffer);
    expect(queue.position).toBe(5 + count);
    // What follows is still there.
    expect((await queue.read(10))?.equals(data.subarray(5 + count, 15 + count))).toBe(true);
  });

  it('a large body the stream ends inside: undefined', async () => {
    const short = data.subarray(0, DIRECT_READ_MIN_BYTES + 10);
    const queue = new ByteQueue(source(short, [262_144]));
    expect(await queue.read(2 * DIRECT_READ_MIN_BYTES)).toBeUndefined();
  });
});
