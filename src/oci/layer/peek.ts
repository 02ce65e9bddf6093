import { Readable } from 'node:stream';

/**
 * Reads the first `count` bytes of a stream without consuming them: returns those bytes and a
 * stream that yields the whole content again, with backpressure preserved.
 */
export async function peekStream(
  source: Readable,
  count: number,
): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let finished = false;
  while (length < count) {
    const next = await iterator.next();
    if (next.done === true) {
      finished = true;
      break;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (finished) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  const stream = Readable.from(replay(), { objectMode: false, highWaterMark: 256 * 1024 });
  stream.on('close', () => {
    if (!finished) void iterator.return?.();
  });
  return { head: head.subarray(0, count), stream };
}
