import type { IncomingMessage } from 'node:http';
import { RegistryError } from './errors.js';

/** The request's Content-Length, or undefined when absent (chunked transfer). */
export function contentLength(request: IncomingMessage): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined) return undefined;
  const value = Number(header);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RegistryError('SIZE_INVALID', `invalid Content-Length "${header.slice(0, 40)}"`, { detail: { contentLength: header.slice(0, 40) } });
  }
  return value;
}

/**
 * The body as a stream that ends in an error when it carries more or fewer bytes than
 * `expected` (a truncated upload must not pass for a short blob).
 */
export async function* bodyOfLength(request: IncomingMessage, expected: number | undefined): AsyncGenerator<Buffer> {
  let received = 0;
  for await (const chunk of request) {
    const bytes = chunk as Buffer;
    received += bytes.length;
    if (expected !== undefined && received > expected) {
      throw new RegistryError('SIZE_INVALID', `request body is longer than its Content-Length ${expected}`, { detail: { expected } });
    }
    yield bytes;
  }
  // A client that disconnects mid-body ends the stream early without an error on some paths.
  if (!request.complete || (expected !== undefined && received !== expected)) {
    throw new RegistryError('SIZE_INVALID', `request body ended after ${received} of ${expected ?? 'unknown'} bytes`, {
      detail: { received, ...(expected === undefined ? {} : { expected }) },
    });
  }
}

/** Reads a small body (a manifest) into memory, refusing more than `limit` bytes before reading them. */
export async function readLimitedBody(request: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const declared = contentLength(request);
  const tooLarge = (size: number | string): RegistryError =>
    new RegistryError('MANIFEST_INVALID', `${what} is ${size} bytes, larger than the ${limit} byte limit`, {
      status: 413,
      detail: { limit, size },
    });
  if (declared !== undefined && declared > limit) {
    request.resume();
    throw tooLarge(declared);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of bodyOfLength(request, declared)) {
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
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = RANGE.exec(header.trim());
  if (!match?.groups) return undefined;
  const { start: startText = '', end: endText = '' } = match.groups;
  const unsatisfiable = (): RegistryError =>
    new RegistryError('RANGE_INVALID', `range "${header.slice(0, 60)}" is not satisfiable for a blob of ${size} bytes`, {
      headers: { 'Content-Range': `bytes */${size}` },
      detail: { size },
    });
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
