import type { IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { RegistryError } from './errors.js';

/** The request's Content-Length, or undefined when absent (chunked transfer). */
export function contentLength(request: IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined) return undefined;
  const value = Number(header);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RegistryError('SIZE_INVALID', `invalid Content-Length "${header.slice(0, 40)}"`, {
      detail: { contentLength: header.slice(0, 40) },
    });
  }
  return value;
}

/** Counts body bytes against the declared length; see `bodyOfLength`. */
class LengthCheck extends Transform {
  #received = 0;
  readonly #expected: number | undefined;
  readonly #request: IncomingMessage;

  constructor(request: IncomingMessage, expected: number | undefined) {
    super({ highWaterMark: 1 << 20 });
    this.#request = request;
    this.#expected = expected;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#received += chunk.length;
    if (this.#expected !== undefined && this.#received > this.#expected) {
      callback(
        new RegistryError(
          'SIZE_INVALID',
          `request body is longer than its Content-Length ${this.#expected}`,
          { detail: { expected: this.#expected } },
        ),
      );
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(
      this.#request.complete && (this.#expected === undefined || this.#received === this.#expected)
        ? null
        : this.truncated(),
    );
  }

  truncated(): RegistryError {
    return new RegistryError(
      'SIZE_INVALID',
      `request body ended after ${this.#received} of ${this.#expected ?? 'unknown'} bytes`,
      {
        detail: {
          received: this.#received,
          ...(this.#expected === undefined ? {} : { expected: this.#expected }),
        },
      },
    );
  }
}

/**
 * The body as a stream that fails when it carries more or fewer bytes than `expected`, or when
 * the client goes away mid-body (a truncated upload must not pass for a short blob).
 */
export function bodyOfLength(request: IncomingMessage, expected: number | undefined): Readable {
  const check = new LengthCheck(request, expected);
  request.on('error', (error) => check.destroy(error));
  request.on('close', () => {
    if (!request.complete) check.destroy(check.truncated());
  });
  return request.pipe(check);
}

/**
 * The request body itself, made to fail (not just stop) when the client goes away before
 * sending all of it, so a pipeline writing it rejects and the partial chunk is discarded.
 */
export function uploadBody(request: IncomingMessage): IncomingMessage {
  request.once('close', () => {
    // Already destroyed: a pipeline reading it sees the premature close by itself.
    if (!request.complete && !request.destroyed) {
      request.destroy(
        new RegistryError(
          'SIZE_INVALID',
          'the client closed the connection before the body was complete',
        ),
      );
    }
  });
  return request;
}

/** Reads a small body (a manifest) into memory, refusing more than `limit` bytes before reading them. */
export async function readLimitedBody(
  request: IncomingMessage,
  limit: number,
  what: string,
): Promise<Buffer> {
  const declared = contentLength(request);
  const tooLarge = (size: number | string): RegistryError =>
    new RegistryError(
      'MANIFEST_INVALID',
      `${what} is ${size} bytes, larger than the ${limit} byte limit`,
      {
        status: 413,
        detail: { limit, size },
      },
    );
  if (declared !== undefined && declared > limit) {
    request.resume();
    throw tooLarge(declared);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const piece of bodyOfLength(request, declared)) {
    const chunk = piece as Buffer;
    total += chunk.length;
    if (total > limit) {
      request.resume();
      throw tooLarge(`more than ${limit}`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Drains an unused body so the connection can be reused. */
export async function discardBody(request: IncomingMessage): Promise<void> {
  if (request.complete) return;
  // Reading to the end (not destroying) keeps the keep-alive connection usable.
  request.resume();
  await new Promise<void>((resolve) => {
    request.once('end', resolve);
    request.once('close', resolve);
  });
}

const RANGE = /^bytes=(?<start>\d*)-(?<end>\d*)$/;

/**
 * Parses a single-range `Range` header against a blob of `size` bytes: undefined for "whole
 * blob" (absent, or a multi-range we answer in full as RFC 9110 allows), else inclusive bounds.
 */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = RANGE.exec(header.trim());
  if (!match?.groups) return undefined;
  const { start: startText = '', end: endText = '' } = match.groups;
  const unsatisfiable = (): RegistryError =>
    // 416 as RFC 9110 says; the spec has no range code, UNSUPPORTED is its "invalid parameters".
    new RegistryError(
      'UNSUPPORTED',
      `range "${header.slice(0, 60)}" is not satisfiable for a blob of ${size} bytes`,
      {
        status: 416,
        headers: { 'Content-Range': `bytes */${size}` },
        detail: { size },
      },
    );
  if (startText === '') {
    const suffix = Number(endText);
    if (endText === '' || suffix === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(startText);
  const end = endText === '' ? size - 1 : Math.min(Number(endText), size - 1);
  if (start >= size || end < start) throw unsatisfiable();
  return { start, end };
}

const CONTENT_RANGE = /^(?:bytes[ =])?(?<start>\d+)-(?<end>\d+)$/;

/** Parses an upload chunk's `Content-Range: <start>-<end>` (inclusive); undefined when malformed. */
export function parseContentRange(header: string): { start: number; end: number } | undefined {
  const match = CONTENT_RANGE.exec(header.trim());
  if (!match?.groups) return undefined;
  const start = Number(match.groups['start']);
  const end = Number(match.groups['end']);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  return { start, end };
}
