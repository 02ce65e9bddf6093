import type { ByteQueue } from './byte-queue.js';
import { MAX_META_BYTES, metaKind, TarMetaState, type TarEntryHeader } from './entry-header.js';
import { BLOCK_SIZE, isZeroBlock, parseHeaderBlock } from './header.js';

/** A tar archive that cannot be read further: why, and the byte offset where it went wrong. */
export class TarFormatError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(`${reason} at offset ${offset}`);
  }
}

function padding(size: number): number {
  const rest = size % BLOCK_SIZE;
  return rest === 0 ? 0 : BLOCK_SIZE - rest;
}

/**
 * Reads a tar stream member by member. `next()` moves to the following file member (skipping
 * whatever of the current body was not read); `readBody()` returns the current member's data.
 * Meta members (PAX, GNU long names) are applied and never returned.
 */
export class TarStreamReader {
  private readonly meta = new TarMetaState();
  /** Data bytes of the current member not yet consumed, plus its block padding. */
  private unread = 0;
  private unreadPadding = 0;
  private bodyTaken = true;
  /** Stream offset where the current member's data starts. */
  private bodyStart = 0;
  private finished = false;

  constructor(private readonly queue: ByteQueue) {}

  private fail(reason: string, offset = this.queue.position): never {
    throw new TarFormatError(reason, offset);
  }

  private async skipRest(): Promise<void> {
    const total = this.unread + this.unreadPadding;
    this.unread = 0;
    this.unreadPadding = 0;
    if (total > 0 && !(await this.queue.skip(total)))
      this.fail('unexpected end of archive inside a member');
  }

  /** The next file member's header, or undefined at the end of the archive. */
  async next(): Promise<TarEntryHeader | undefined> {
    if (this.finished) return undefined;
    await this.skipRest();
    for (;;) {
      const offset = this.queue.position;
      if (!(await this.queue.ensure(BLOCK_SIZE))) {
        // archive/tar also accepts a stream that stops cleanly at a header boundary.
        if (this.queue.available === 0) return this.end();
        this.fail('unexpected end of archive inside a header');
      }
      const block = this.queue.take(BLOCK_SIZE);
      if (isZeroBlock(block, 0)) return this.end();
      const parsed = parseHeaderBlock(block, 0);
      if (typeof parsed === 'string') this.fail(parsed, offset);
      const kind = metaKind(parsed.typeflag);
      if (kind) {
        if (parsed.size > MAX_META_BYTES)
          this.fail(`meta member of ${parsed.size} bytes is too large`, offset);
        const body = await this.queue.read(parsed.size);
        if (!body || !(await this.queue.skip(padding(parsed.size))))
          this.fail('unexpected end of archive inside a meta member');
        const problem = this.meta.accept(kind, body);
        if (problem) this.fail(problem, offset);
        continue;
      }
      const header = this.meta.resolve(parsed);
      if (typeof header === 'string') this.fail(header, offset);
      this.unread = header.dataSize;
      this.unreadPadding = padding(header.dataSize);
      this.bodyTaken = false;
      this.bodyStart = this.queue.position;
      return header;
    }
  }

  private end(): TarEntryHeader | undefined {
    this.finished = true;
    return undefined;
  }

  /**
   * Where the current member's data lies in the stream (offset and size), while none of it has
   * been consumed: for a stream that is a file's bytes, a caller can read parts by position.
   */
  get body(): { readonly offset: number; readonly size: number } | undefined {
    if (this.bodyTaken || this.queue.position !== this.bodyStart) return undefined;
    return { offset: this.bodyStart, size: this.unread };
  }

  /** Up to `count` first bytes of the current member's body, leaving it unread. */
  async peekBody(count: number): Promise<Buffer> {
    if (this.bodyTaken) throw new Error('tar member body already read');
    return this.queue.peek(Math.min(count, this.unread));
  }

  /** The current member's whole body (once per member). */
  async readBody(): Promise<Buffer> {
    if (this.bodyTaken) throw new Error('tar member body already read');
    this.bodyTaken = true;
    const size = this.unread;
    const body = await this.queue.read(size);
    if (!body) this.fail('unexpected end of archive inside a member');
    this.unread = 0;
    return body;
  }

  /**
   * The current member's body, once, as a sequence of views handed to `visit` with their
   * offsets in the body: for a caller that keeps only parts of a large member.
   */
  async scanBody(visit: (piece: Buffer, offset: number) => void): Promise<void> {
    if (this.bodyTaken) throw new Error('tar member body already read');
    this.bodyTaken = true;
    const size = this.unread;
    this.unread = 0;
    if (!(await this.queue.scan(size, visit)))
      this.fail('unexpected end of archive inside a member');
  }

  /** Consumes everything after the archive's end marker (digests cover the whole blob). */
  async drain(): Promise<void> {
    await this.skipRest();
    await this.queue.drain();
  }
}
