import type { FastifyReply, FastifyRequest } from 'fastify';
import { BlobStoreError } from '../../store/index.js';
import type { RegistryContext } from './context.js';
import { RegistryError } from './errors.js';
import { contentLength, discardBody, parseContentRange, uploadBody } from './http-body.js';
import { checkDigest, checkRepositoryName, printable } from './names.js';

type Query = Readonly<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The `Range` an upload reports: inclusive end of what it holds ("0-0" when empty, as Distribution says). */
function rangeHeader(size: number): string {
  return `0-${Math.max(0, size - 1)}`;
}

function uploadLocation(name: string, id: string): string {
  return `/v2/${name}/blobs/uploads/${id}`;
}

function uploadUnknown(id: string): RegistryError {
  return new RegistryError(
    'BLOB_UPLOAD_UNKNOWN',
    `blob upload ${printable(id)} is unknown or expired`,
    { detail: { session: printable(id) } },
  );
}

async function sendUploadState(
  reply: FastifyReply,
  status: 202 | 204,
  name: string,
  id: string,
  size: number,
): Promise<void> {
  await reply
    .code(status)
    .headers({
      Location: uploadLocation(name, id),
      Range: rangeHeader(size),
      'Docker-Upload-UUID': id,
      'Blob-Upload-Session-ID': id,
      'Content-Length': 0,
    })
    .send();
}

async function sendCreated(
  ctx: RegistryContext,
  reply: FastifyReply,
  name: string,
  digest: string,
  size: number,
): Promise<void> {
  ctx.events.publish({ action: 'push', target: 'blob', repository: name, digest, size });
  await reply
    .code(201)
    .headers({
      Location: `/v2/${name}/blobs/${digest}`,
      'Docker-Content-Digest': digest,
      'Content-Length': 0,
    })
    .send();
}

/** Maps the blob store's refusals to the spec's codes (a digest mismatch is DIGEST_INVALID). */
export function fromStoreError(error: unknown): unknown {
  if (!(error instanceof BlobStoreError)) return error;
  switch (error.code) {
    case 'DIGEST_MISMATCH':
    case 'DIGEST_INVALID':
      return new RegistryError('DIGEST_INVALID', error.message, {
        detail: { ...error.details } as Record<string, string>,
        cause: error,
      });
    case 'SIZE_MISMATCH':
      return new RegistryError('SIZE_INVALID', error.message, { cause: error });
    case 'UPLOAD_UNKNOWN':
      return new RegistryError('BLOB_UPLOAD_UNKNOWN', error.message, { cause: error });
    case 'UPLOAD_OFFSET':
    case 'STORAGE_ERROR':
      return error;
  }
}

async function liveSession(ctx: RegistryContext, name: string, id: string): Promise<number> {
  const session = await ctx.metadata.getUpload(id);
  if (!session || session.repository !== name) throw uploadUnknown(id);
  if (session.expiresAt < Date.now()) {
    await ctx.blobs.uploads.abort(id);
    await ctx.metadata.deleteUpload(id);
    throw uploadUnknown(id);
  }
  const state = await ctx.blobs.uploads.state(id);
  if (!state) throw uploadUnknown(id);
  // A session expires when idle, not when old: every request on it restarts the clock, so the
  // background sweep never removes an upload that is still being sent.
  await ctx.metadata.touchUpload(id, Date.now() + ctx.limits.uploadTtlMs);
  return state.size;
}

/** What a POST asks to mount: `mount` (a digest) and, optionally, `from` (a repository). */
export interface MountRequest {
  readonly digest: string;
  readonly from: string | undefined;
}

/**
 * The `mount` and `from` of a POST, checked (undefined without `mount`). A bad digest is refused
 * even without `from` (the client asked for something invalid), and before a bad source name.
 * The dispatch calls this before the access decision, so a bad name never reaches a challenge.
 */
export function parseMount(query: Query): MountRequest | undefined {
  const mount = first(query['mount']);
  if (mount === undefined) return undefined;
  const digest = checkDigest(mount, 'mount digest');
  const from = first(query['from']);
  return { digest, from: from === undefined ? undefined : checkRepositoryName(from) };
}

/**
 * POST /blobs/uploads/: a cross-repository mount (`mount` + `from`, from `parseMount`), a whole
 * blob in one request (`digest`), or a new upload session (202 with its Location).
 */
export async function startUpload(
  ctx: RegistryContext,
  name: string,
  mount: MountRequest | undefined,
  query: Query,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  // Without `from` there is no automatic mount (the spec lets a registry choose): finding the
  // blob in some repository the caller may pull would turn "knows a digest" into "may read the
  // blob" unless every repository were checked against access. The answer is the spec's
  // fallback, an upload session (202), as Distribution and the conformance suite's
  // "automatic content discovery disabled" case expect.
  if (mount?.from !== undefined) {
    const { digest, from } = mount;
    // The caller's own credentials must allow pull on the source. The challenge for this
    // request named that scope too (optional), but the decision on the target did not need it:
    // without it this is the spec's fallback below, never a refusal (podman and skopeo rely on it).
    const pull = await ctx.access.authorize({
      repository: from,
      actions: ['pull'],
      headers: request.headers,
      // Basic credentials are checked (and failures counted) per source address.
      remoteAddress: request.ip,
    });
    if (
      pull.allowed &&
      (await ctx.metadata.hasBlob(from, digest)) &&
      (await ctx.blobs.stat(digest))
    ) {
      await discardBody(request.raw);
      await ctx.metadata.linkBlob(name, digest);
      ctx.events.publish({ action: 'mount', target: 'blob', repository: name, digest });
      await reply
        .code(201)
        .headers({
          Location: `/v2/${name}/blobs/${digest}`,
          'Docker-Content-Digest': digest,
          'Content-Length': 0,
        })
        .send();
      return;
    }
    // The spec: a mount that cannot be done falls back to an ordinary upload session.
  }
  const digestParam = first(query['digest']);
  if (digestParam !== undefined) {
    const digest = checkDigest(digestParam);
    const length = contentLength(request.raw);
    try {
      // The request streams straight into the store, which counts and hashes it; a client that
      // disconnects mid-body fails the pipeline, so nothing partial is kept.
      const info = await ctx.blobs.put(uploadBody(request.raw), {
        digest,
        ...(length === undefined ? {} : { size: length }),
      });
      await ctx.metadata.linkBlob(name, info.digest);
      await sendCreated(ctx, reply, name, info.digest, info.size);
    } catch (error) {
      throw fromStoreError(error);
    }
    return;
  }
  await discardBody(request.raw);
  const state = await ctx.blobs.uploads.create();
  const now = Date.now();
  await ctx.metadata.createUpload({
    id: state.id,
    repository: name,
    createdAt: now,
    expiresAt: now + ctx.limits.uploadTtlMs,
  });
  await sendUploadState(reply, 202, name, state.id, 0);
}

export async function uploadStatus(
  ctx: RegistryContext,
  name: string,
  id: string,
  reply: FastifyReply,
): Promise<void> {
  const size = await liveSession(ctx, name, id);
  await sendUploadState(reply, 204, name, id, size);
}

/**
 * Appends a chunk. With `Content-Range` the chunk must start where the upload ends (else 416 and
 * the current Range, so the client can resume); without it the body is streamed onto the end.
 */
async function appendChunk(
  ctx: RegistryContext,
  name: string,
  id: string,
  size: number,
  request: FastifyRequest,
): Promise<number> {
  const rangeText = request.headers['content-range'];
  const length = contentLength(request.raw);
  let offset = size;
  if (rangeText !== undefined) {
    const range = parseContentRange(rangeText);
    const refuse = (why: string): RegistryError =>
      new RegistryError('BLOB_UPLOAD_INVALID', `chunk for upload ${id}: ${why}`, {
        status: 416,
        headers: {
          Location: uploadLocation(name, id),
          Range: rangeHeader(size),
          'Docker-Upload-UUID': id,
          'Blob-Upload-Session-ID': id,
        },
        detail: { size },
      });
    if (!range) throw refuse(`invalid Content-Range "${printable(rangeText)}"`);
    if (range.start !== size)
      throw refuse(`chunk starts at ${range.start} but the upload holds ${size} bytes`);
    if (length !== undefined && length !== range.end - range.start + 1)
      throw refuse(
        `Content-Range ${range.start}-${range.end} does not match Content-Length ${length}`,
      );
    offset = range.start;
  }
  try {
    return (await ctx.blobs.uploads.append(id, offset, uploadBody(request.raw), length)).size;
  } catch (error) {
    if (error instanceof BlobStoreError && error.code === 'UPLOAD_OFFSET') {
      throw new RegistryError('BLOB_UPLOAD_INVALID', error.message, {
        status: 416,
        headers: { Location: uploadLocation(name, id), Range: rangeHeader(size) },
      });
    }
    throw fromStoreError(error);
  }
}

export async function patchUpload(
  ctx: RegistryContext,
  name: string,
  id: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const size = await liveSession(ctx, name, id);
  const newSize = await appendChunk(ctx, name, id, size, request);
  await ctx.metadata.touchUpload(id, Date.now() + ctx.limits.uploadTtlMs);
  await sendUploadState(reply, 202, name, id, newSize);
}

/** PUT ?digest=: appends an optional last chunk, verifies everything against the digest and publishes the blob. */
export async function finishUpload(
  ctx: RegistryContext,
  name: string,
  id: string,
  query: Query,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const digestParam = first(query['digest']);
  let size = await liveSession(ctx, name, id);
  if (digestParam === undefined) {
    throw new RegistryError(
      'DIGEST_INVALID',
      `upload ${id} cannot complete without a digest parameter`,
      { detail: { session: id } },
    );
  }
  const digest = checkDigest(digestParam);
  const length = contentLength(request.raw);
  if (
    (length ?? 0) > 0 ||
    request.headers['content-range'] !== undefined ||
    request.headers['transfer-encoding'] !== undefined
  ) {
    size = await appendChunk(ctx, name, id, size, request);
  }
  let info;
  try {
    info = await ctx.blobs.uploads.commit(id, { digest });
  } catch (error) {
    await ctx.metadata.deleteUpload(id);
    throw fromStoreError(error);
  }
  await ctx.metadata.linkBlob(name, info.digest);
  await ctx.metadata.deleteUpload(id);
  ctx.logger.debug({ repository: name, digest: info.digest, size }, 'blob upload completed');
  await sendCreated(ctx, reply, name, info.digest, info.size);
}

export async function cancelUpload(
  ctx: RegistryContext,
  name: string,
  id: string,
  reply: FastifyReply,
): Promise<void> {
  await liveSession(ctx, name, id);
  await ctx.blobs.uploads.abort(id);
  await ctx.metadata.deleteUpload(id);
  await reply.code(204).header('Content-Length', 0).send();
}
