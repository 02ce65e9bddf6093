import type { FileHandle } from 'node:fs/promises';
import { MAX_META_BYTES, metaKind, TarMetaState, type TarEntryHeader } from './entry-header.js';
import { BLOCK_SIZE, isZeroBlock, parseHeaderBlock } from './header.js';
import { readMemberRange } from './read-member-range.js';
import { TarFormatError } from './tar-stream-reader.js';
import { printable } from '../printable.js';

/** A member header and where its data starts in the file. */
export interface PositionedHeader extends TarEntryHeader {
  readonly dataOffset: number;
}

const WINDOW_BYTES = 256 * 1024;

function padded(size: number): number {
  return Math.ceil(size / BLOCK_SIZE) * BLOCK_SIZE;
}

/**
 * The header with its data offset, written out field by field: V8 copies a spread
 * (`{ ...header, dataOffset }`) by a slow generic path whose result outlives the young
 * generation, so one per member filled the old generation with garbage (500,000 members: ~150 MB
 * through the old generation, 5 full collections, and twice the walk time).
 */
function positioned(header: TarEntryHeader, dataOffset: number): PositionedHeader {
  return {
    name: header.name,
    type: header.type,
    mode: header.mode,
    uid: header.uid,
    gid: header.gid,
    size: header.size,
    dataSize: header.dataSize,
    linkname: header.linkname,
    dataOffset,
  };
}

/**
 * Reads the tar members of a byte range of a file by position: headers come through a read-ahead
 * window, bodies are read only when asked for, everything else is skipped without being read.
 * The counterpart of TarStreamReader for tars that sit uncompressed in a local file (`docker save`
 * archives, uncompressed OCI layout blobs); same member semantics (PAX, GNU long names).
 */
export class TarFileReader {
  private readonly meta = new TarMetaState();
  private position: number;
  private current: PositionedHeader | undefined;
  private finished = false;
  private readonly window = Buffer.allocUnsafe(WINDOW_BYTES);
  private windowStart = 0;
  private windowLength = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly start: number,
    private readonly end: number,
  ) {
    this.position = start;
  }

  /** How far into the range the walk has come. */
  get offset(): number {
    return this.position - this.start;
  }

  private fail(reason: string, offset = this.position): never {
    throw new TarFormatError(reason, offset - this.start);
  }

  private inWindow(offset: number, length: number): boolean {
    return offset >= this.windowStart && offset + length <= this.windowStart + this.windowLength;
  }

  /** A view of `length` bytes at `offset` (valid until the next read), through the window. */
  private async bytesAt(offset: number, length: number): Promise<Buffer> {
    if (!this.inWindow(offset, length)) {
      const wanted = Math.min(Math.max(length, WINDOW_BYTES), this.end - offset);
      const target = wanted <= WINDOW_BYTES ? this.window : Buffer.allocUnsafe(wanted);
      const { bytesRead } = await this.file.read(target, 0, wanted, offset);
      if (wanted > WINDOW_BYTES) return target.subarray(0, Math.min(bytesRead, length));
      this.windowStart = offset;
      this.windowLength = bytesRead;
    }
    const from = offset - this.windowStart;
    return this.window.subarray(from, Math.min(from + length, this.windowLength));
  }

  /** The next file member's header, or undefined at the end of the archive. */
  async next(): Promise<PositionedHeader | undefined> {
    if (this.finished) return undefined;
    if (this.current) this.position = this.current.dataOffset + padded(this.current.dataSize);
    this.current = undefined;
    for (;;) {
      if (this.position + BLOCK_SIZE > this.end) {
        // archive/tar also accepts a stream that stops cleanly at a header boundary.
        if (this.position === this.end) {
          this.finished = true;
          return undefined;
        }
        this.fail('unexpected end of archive inside a header');
      }
      // Most headers sit in the window already: read them in place, no promise and no view.
      let block: Buffer = this.window;
      let at = this.position - this.windowStart;
      if (!this.inWindow(this.position, BLOCK_SIZE)) {
        block = await this.bytesAt(this.position, BLOCK_SIZE);
        at = 0;
        if (block.length < BLOCK_SIZE) this.fail('unexpected end of archive inside a header');
      }
      if (isZeroBlock(block, at)) {
        this.finished = true;
        return undefined;
      }
      const parsed = parseHeaderBlock(block, at);
      if (typeof parsed === 'string') this.fail(parsed);
      const dataOffset = this.position + BLOCK_SIZE;
      const kind = metaKind(parsed.typeflag);
      if (kind) {
        if (parsed.size > MAX_META_BYTES)
          this.fail(`meta member of ${parsed.size} bytes is too large`);
        if (dataOffset + parsed.size > this.end)
          this.fail('unexpected end of archive inside a meta member');
        const body = Buffer.from(await this.bytesAt(dataOffset, parsed.size));
        const problem = this.meta.accept(kind, body);
        if (problem) this.fail(problem);
        this.position = dataOffset + padded(parsed.size);
        continue;
      }
      const header = this.meta.resolve(parsed);
      if (typeof header === 'string') this.fail(header);
      if (dataOffset + header.dataSize > this.end) {
        this.fail(
          `unexpected end of archive inside member "${printable(header.name)}" ` +
            `(${header.dataSize} bytes declared, ${this.end - dataOffset} left)`,
        );
      }
      this.current = positioned(header, dataOffset);
      return this.current;
    }
  }

  /** The current member's whole body, in a buffer of its own. */
  async readBody(): Promise<Buffer> {
    const member = this.current;
    if (!member) throw new Error('no current tar member');
    // A small body usually sits in the window already (read with its header): copy it from there.
    if (member.dataSize <= WINDOW_BYTES) {
      const view = await this.bytesAt(member.dataOffset, member.dataSize);
      if (view.length < member.dataSize)
        this.fail('unexpected end of archive inside a member', member.dataOffset + view.length);
      return Buffer.from(view);
    }
    const body = Buffer.allocUnsafe(member.dataSize);
    let done = 0;
    while (done < body.length) {
      const { bytesRead } = await this.file.read(
        body,
        done,
        body.length - done,
        member.dataOffset + done,
      );
      if (bytesRead === 0)
        this.fail('unexpected end of archive inside a member', member.dataOffset + done);
      done += bytesRead;
    }
    return body;
  }

  /** Copies bytes [offset, offset + length) of the current member's body into `target` at `offset`. */
  async readBodyInto(target: Buffer, offset: number, length: number): Promise<void> {
    const member = this.current;
    if (!member) throw new Error('no current tar member');
    await readMemberRange(
      this.file,
      { fileOffset: member.dataOffset, size: member.dataSize },
      target,
      offset,
      length,
    );
  }

  /** Up to `count` first bytes of the current member's body. */
  async peekBody(count: number): Promise<Buffer> {
    const member = this.current;
    if (!member) throw new Error('no current tar member');
    return Buffer.from(await this.bytesAt(member.dataOffset, Math.min(count, member.dataSize)));
  }
}
