/**
 * Pull-based access to a stream of chunks: wait until N bytes are buffered, then take them as a
 * view (no copy when they sit in one chunk). The tar reader pulls headers and bodies through it,
 * so an entry costs a few synchronous slices instead of a stream per entry.
 */
const EMPTY = Buffer.alloc(0);

/** Bodies at least this large are copied into their buffer as they arrive (see `read`). */
export const DIRECT_READ_MIN_BYTES = 1024 * 1024;

export class ByteQueue {
  private readonly chunks: Buffer[] = [];
  private first = 0;
  /** Offset into chunks[first] where unread bytes start. */
  private head = 0;
  private buffered = 0;
  private ended = false;
  /** Bytes taken or skipped so far (the offset of the next unread byte in the stream). */
  position = 0;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done === true) {
      this.ended = true;
      return false;
    }
    const chunk = next.value;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    return true;
  }

  /** Waits until `count` bytes are buffered; false when the stream ends first. */
  async ensure(count: number): Promise<boolean> {
    while (this.buffered < count) {
      if (!(await this.pull())) return false;
    }
    return true;
  }

  /** Bytes buffered and not yet taken. */
  get available(): number {
    return this.buffered;
  }

  /** Takes `count` buffered bytes (call `ensure` first). A view when they sit in one chunk. */
  take(count: number): Buffer {
    const current = this.chunks[this.first];
    if (current && current.length - this.head >= count) {
      const view = current.subarray(this.head, this.head + count);
      this.advance(count);
      return view;
    }
    const out = Buffer.allocUnsafe(count);
    let written = 0;
    while (written < count) {
      const chunk = this.chunks[this.first];
      if (!chunk) throw new Error('ByteQueue.take beyond buffered data');
      const n = Math.min(chunk.length - this.head, count - written);
      chunk.copy(out, written, this.head, this.head + n);
      written += n;
      this.advance(n);
    }
    return out;
  }

  private advance(count: number): void {
    this.buffered -= count;
    this.position += count;
    this.head += count;
    let chunk = this.chunks[this.first];
    while (chunk && this.head >= chunk.length) {
      this.head -= chunk.length;
      this.chunks[this.first] = EMPTY;
      this.first += 1;
      chunk = this.chunks[this.first];
    }
    if (this.first > 64) {
      this.chunks.splice(0, this.first);
      this.first = 0;
    }
  }

  /** Looks at up to `count` of the next bytes without taking them (waits for them to arrive). */
  async peek(count: number): Promise<Buffer> {
    await this.ensure(count);
    const want = Math.min(count, this.buffered);
    const current = this.chunks[this.first];
    if (current && current.length - this.head >= want)
      return current.subarray(this.head, this.head + want);
    const out = Buffer.allocUnsafe(want);
    let written = 0;
    for (let index = this.first, offset = this.head; written < want; index += 1, offset = 0) {
      const chunk = this.chunks[index];
      if (!chunk) break;
      const n = Math.min(chunk.length - offset, want - written);
      chunk.copy(out, written, offset, offset + n);
      written += n;
    }
    return out;
  }

  /** Discards `count` bytes without copying them; false when the stream ends first. */
  async skip(count: number): Promise<boolean> {
    let left = count;
    while (left > 0) {
      if (this.buffered === 0 && !(await this.pull())) return false;
      const n = Math.min(left, this.buffered);
      this.advance(n);
      left -= n;
    }
    return true;
  }

  /**
   * Reads `count` bytes into a buffer of its own (never a view that would pin a whole chunk);
   * undefined when the stream ends first. Memory grows with the data seen, not with `count`,
   * so a header that lies about a huge size cannot make us allocate it: a large body is copied
   * into a zero-filled buffer as it arrives (its pages are taken from the system as they are
   * written), a small one is gathered and joined.
   */
  async read(count: number): Promise<Buffer | undefined> {
    if (count >= DIRECT_READ_MIN_BYTES) return this.readDirect(count);
    const parts: Buffer[] = [];
    let left = count;
    while (left > 0) {
      if (this.buffered === 0 && !(await this.pull())) return undefined;
      const chunk = this.chunks[this.first];
      if (!chunk) return undefined;
      const n = Math.min(chunk.length - this.head, left);
      parts.push(chunk.subarray(this.head, this.head + n));
      this.advance(n);
      left -= n;
    }
    return Buffer.concat(parts, count);
  }

  /**
   * `read` for a large body: one copy, chunk by chunk, into the buffer it returns. Gathering
   * views and joining them held every chunk and the joined copy at once (a 99 MB executable in a
   * compressed layer peaked at twice its size).
   */
  private async readDirect(count: number): Promise<Buffer | undefined> {
    const out = Buffer.alloc(count);
    const whole = await this.scan(count, (piece, offset) => {
      piece.copy(out, offset);
    });
    return whole ? out : undefined;
  }

  /**
   * Consumes `count` bytes, handing each piece to `visit` as a view with its offset from the
   * start of the `count` bytes (valid only during the call: nothing is kept or copied here).
   * False when the stream ends first.
   */
  async scan(count: number, visit: (piece: Buffer, offset: number) => void): Promise<boolean> {
    let done = 0;
    while (done < count) {
      if (this.buffered === 0 && !(await this.pull())) return false;
      const chunk = this.chunks[this.first];
      if (!chunk) return false;
      const n = Math.min(chunk.length - this.head, count - done);
      visit(chunk.subarray(this.head, this.head + n), done);
      this.advance(n);
      done += n;
    }
    return true;
  }

  /** Reads and discards everything left (so digests over the whole stream can finish). */
  async drain(): Promise<void> {
    this.advance(this.buffered);
    while (await this.pull()) this.advance(this.buffered);
  }
}
