import type { FastifyReply, FastifyRequest } from 'fastify';
import { acceptsMediaType } from './accept.js';
import type { RegistryContext } from './context.js';
import { RegistryError } from './errors.js';
import { originOf } from './events.js';
import { readLimitedBody } from './http-body.js';
import type { CachedManifest } from './manifest-cache.js';
import { parseManifest } from './manifest-document.js';
import { parseManifestReference, printable } from './names.js';

async function unknown(
  ctx: RegistryContext,
  name: string,
  reference: string,
): Promise<RegistryError> {
  if (!(await ctx.metadata.repositoryExists(name))) {
    return new RegistryError('NAME_UNKNOWN', `repository ${name} is not known to this registry`, {
      detail: { name },
    });
  }
  return new RegistryError(
    'MANIFEST_UNKNOWN',
    `manifest ${printable(reference)} is unknown to repository ${name}`,
    {
      detail: { reference: printable(reference) },
    },
  );
}

/** Finds a manifest by tag or digest: from memory when cached, else from the metadata store (then cached). */
async function lookup(
  ctx: RegistryContext,
  name: string,
  reference: string,
): Promise<CachedManifest | undefined> {
  const cached = ctx.cache.get(name, reference);
  if (cached) return cached;
  const ref = parseManifestReference(reference);
  const digest = ref.kind === 'digest' ? ref.digest : await ctx.metadata.resolveTag(name, ref.tag);
  if (digest === undefined) return undefined;
  const record = await ctx.metadata.getManifest(name, digest);
  if (!record) return undefined;
  const entry: CachedManifest = {
    digest,
    mediaType: record.mediaType,
    content: record.content,
    etag: `"${digest}"`,
  };
  ctx.cache.set(name, reference, entry);
  return entry;
}

/** GET/HEAD a manifest, as stored, when the client's Accept allows its media type. */
export async function getManifest(
  ctx: RegistryContext,
  name: string,
  reference: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const entry = await lookup(ctx, name, reference);
  if (!entry) throw await unknown(ctx, name, reference);
  if (!acceptsMediaType(request.headers.accept, entry.mediaType)) {
    throw new RegistryError(
      'MANIFEST_UNKNOWN',
      `manifest ${printable(reference)} in ${name} is ${entry.mediaType}, which the request's Accept header does not list`,
      {
        detail: { reference: printable(reference), mediaType: entry.mediaType },
      },
    );
  }
  const denial = request.method === 'GET' ? ctx.pullGate?.check(name, entry.digest) : undefined;
  if (denial) {
    ctx.events.publish(() => ({
      action: 'pull',
      target: 'manifest',
      repository: name,
      digest: entry.digest,
      mediaType: entry.mediaType,
      origin: originOf(request.raw),
      denied: denial.message,
    }));
    throw new RegistryError('DENIED', denial.message, { detail: denial.detail });
  }
  reply.code(200).headers({
    'Content-Type': entry.mediaType,
    'Content-Length': entry.content.length,
    'Docker-Content-Digest': entry.digest,
    ETag: entry.etag,
  });
  if (request.headers['if-none-match'] === entry.etag) {
    await reply.code(304).send();
    return;
  }
  ctx.events.publish(() => ({
    action: 'pull',
    target: 'manifest',
    repository: name,
    digest: entry.digest,
    mediaType: entry.mediaType,
    origin: originOf(request.raw),
  }));
  await reply.send(request.method === 'HEAD' ? undefined : entry.content);
}

/**
 * PUT a manifest by tag or digest. It is validated, its digest checked against a digest
 * reference, and stored only if every blob and child manifest it references is already in the
 * repository (checked in the same transaction as the insert).
 */
export async function putManifest(
  ctx: RegistryContext,
  name: string,
  reference: string,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const ref = parseManifestReference(reference, 'write');
  const content = await readLimitedBody(request.raw, ctx.limits.maxManifestBytes, 'manifest');
  const parsed = parseManifest(
    content,
    request.headers['content-type'],
    ref.kind === 'digest' ? ref.digest : undefined,
  );
  const tag = ref.kind === 'tag' ? ref.tag : undefined;
  const result = await ctx.metadata.putManifest(
    {
      repository: name,
      digest: parsed.digest,
      mediaType: parsed.mediaType,
      size: content.length,
      content,
      artifactType: parsed.artifactType,
      subject: parsed.subject,
      annotations: parsed.annotations,
      createdAt: Date.now(),
    },
    parsed.references,
    tag,
  );
  if (!result.ok) {
    if (result.reason === 'tag-immutable') {
      // Only a store asked to guard the tag answers this; the guard normally explains it first.
      throw new RegistryError('DENIED', `tag ${tag ?? ''} of repository ${name} is immutable`, {
        detail: { repository: name, tag: tag ?? '' },
      });
    }
    const errors = result.missing.map(
      (digest) =>
        new RegistryError(
          'MANIFEST_BLOB_UNKNOWN',
          `manifest references ${digest}, which is not in repository ${name}`,
          { detail: { digest } },
        ),
    );
    const [head, ...rest] = errors;
    throw head
      ? new RegistryError(head.code, head.message, { detail: head.detail, more: rest })
      : new Error('missing list is empty');
  }
  const entry: CachedManifest = {
    digest: parsed.digest,
    mediaType: parsed.mediaType,
    content,
    etag: `"${parsed.digest}"`,
  };
  ctx.cache.set(name, parsed.digest, entry);
  if (tag !== undefined) ctx.cache.set(name, tag, entry);
  ctx.events.publish({
    action: 'push',
    target: 'manifest',
    repository: name,
    digest: parsed.digest,
    mediaType: parsed.mediaType,
    size: content.length,
    ...(tag === undefined ? {} : { tag }),
    ...(parsed.subject === undefined ? {} : { subject: parsed.subject }),
    origin: originOf(request.raw),
  });
  reply.code(201).headers({
    Location: `/v2/${name}/manifests/${parsed.digest}`,
    'Docker-Content-Digest': parsed.digest,
    'Content-Length': 0,
  });
  if (parsed.subject !== undefined) reply.header('OCI-Subject', parsed.subject);
  await reply.send();
}

/** DELETE by digest removes the manifest and its tags; DELETE by tag removes only the tag. */
export async function deleteManifest(
  ctx: RegistryContext,
  name: string,
  reference: string,
  reply: FastifyReply,
): Promise<void> {
  const ref = parseManifestReference(reference);
  const deleted =
    ref.kind === 'digest'
      ? await ctx.metadata.deleteManifest(name, ref.digest)
      : await ctx.metadata.deleteTag(name, ref.tag);
  if (!deleted) throw await unknown(ctx, name, reference);
  // Tags of a deleted digest are gone too; clearing everything is simpler than tracking them.
  ctx.cache.clear();
  const origin = originOf(reply.request.raw);
  ctx.events.publish(
    ref.kind === 'digest'
      ? { action: 'delete', target: 'manifest', repository: name, digest: ref.digest, origin }
      : { action: 'delete', target: 'tag', repository: name, tag: ref.tag, origin },
  );
  await reply.code(202).header('Content-Length', 0).send();
}
