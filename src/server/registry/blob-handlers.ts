import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ByteRange, LocalBlobFile } from '../../store/index.js';
import type { RegistryContext } from './context.js';
import { RegistryError } from './errors.js';
import { originOf } from './events.js';
import { parseRange } from './http-body.js';
import { checkDigest } from './names.js';
import { sendFile } from './send-file.js';

function blobUnknown(name: string, digest: string): RegistryError {
  return new RegistryError('BLOB_UNKNOWN', `blob ${digest} is unknown to repository ${name}`, {
    detail: { digest },
  });
}

/** How the bytes go out: an open local file (the fast way), or a stream from any other store. */
export type BlobBody =
  | {
      readonly kind: 'file';
      readonly file: LocalBlobFile;
      readonly start: number;
      readonly length: number;
    }
  | { readonly kind: 'stream'; readonly stream: Readable };

export interface BlobResponse {
  readonly status: 200 | 206;
  readonly headers: OutgoingHttpHeaders;
  /** Undefined for HEAD. */
  readonly body: BlobBody | undefined;
}

/**
 * What a GET/HEAD of a blob answers: only blobs linked to this repository are served (content
 * is shared across repositories on disk, access is not); a single `Range` gives 206. Throws the
 * spec's error otherwise.
 */
export async function blobResponse(
  ctx: RegistryContext,
  name: string,
  digestText: string,
  method: string,
  rangeHeader: string | undefined,
): Promise<BlobResponse> {
  const digest = checkDigest(digestText);
  if (!(await ctx.metadata.hasBlob(name, digest))) throw blobUnknown(name, digest);
  const info = await ctx.blobs.stat(digest);
  if (!info) throw blobUnknown(name, digest);
  const range = parseRange(rangeHeader, info.size);
  const headers: OutgoingHttpHeaders = {
    'Content-Type': 'application/octet-stream',
    'Content-Length': range ? range.end - range.start + 1 : info.size,
    'Docker-Content-Digest': digest,
    'Docker-Distribution-API-Version': 'registry/2.0',
    ETag: `"${digest}"`,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'max-age=31536000',
    ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${info.size}` } : {}),
  };
  const status = range ? 206 : 200;
  if (method === 'HEAD') return { status, headers, body: undefined };
  const body = await openBody(ctx, digest, range, info.size);
  if (!body) throw blobUnknown(name, digest);
  ctx.events.publish(() => ({
    action: 'pull',
    target: 'blob',
    repository: name,
    digest,
    size: info.size,
  }));
  return { status, headers, body };
}

async function openBody(
  ctx: RegistryContext,
  digest: string,
  range: ByteRange | undefined,
  size: number,
): Promise<BlobBody | undefined> {
  if (ctx.blobs.openLocal) {
    const file = await ctx.blobs.openLocal(digest);
    if (!file) return undefined;
    return {
      kind: 'file',
      file,
      start: range?.start ?? 0,
      length: range ? range.end - range.start + 1 : size,
    };
  }
  const stream = await ctx.blobs.get(digest, range);
  return stream ? { kind: 'stream', stream } : undefined;
}

/** Streams a blob straight from its file to the socket, with backpressure. */
export async function sendBlob(response: ServerResponse, blob: BlobResponse): Promise<void> {
  response.writeHead(blob.status, blob.headers);
  if (!blob.body) {
    response.end();
    return;
  }
  if (blob.body.kind === 'file') {
    await sendFile(response, blob.body.file, blob.body.start, blob.body.length);
    return;
  }
  try {
    await pipeline(blob.body.stream, response);
  } catch {
    // The client went away mid-blob; the socket is already gone, nothing to answer.
    response.destroy();
  }
}

/** GET/HEAD a blob through Fastify (the fast path in `fast-path.ts` serves most blob GETs before it). */
export async function getBlob(
  ctx: RegistryContext,
  name: string,
  digestText: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const blob = await blobResponse(ctx, name, digestText, request.method, request.headers.range);
  reply.hijack();
  await sendBlob(reply.raw, blob);
}

/** DELETE a blob from a repository: its link goes; the bytes stay until gc finds them unused. */
export async function deleteBlob(
  ctx: RegistryContext,
  name: string,
  digestText: string,
  reply: FastifyReply,
): Promise<void> {
  const digest = checkDigest(digestText);
  if (!(await ctx.metadata.unlinkBlob(name, digest))) throw blobUnknown(name, digest);
  ctx.events.publish({
    action: 'delete',
    target: 'blob',
    repository: name,
    digest,
    origin: originOf(reply.request.raw),
  });
  await reply.code(202).header('Content-Length', 0).send();
}
