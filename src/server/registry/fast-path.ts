import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidRepositoryName } from '../../oci/index.js';
import { acceptsMediaType } from './accept.js';
import type { RegistryContext } from './context.js';

const MANIFEST_PATH = /^\/v2\/(?<name>.+)\/manifests\/(?<reference>[^/?]+)$/;

/**
 * The pull hot path without the framework: a GET or HEAD of a manifest that is in the cache,
 * allowed by a synchronous access decision, and acceptable to the client, is answered right
 * here. Anything else (a miss, a conditional request, an async authorizer, an error) returns
 * false and goes through Fastify and the full handler, which gives the same answers.
 */
export function serveCachedManifest(ctx: RegistryContext, request: IncomingMessage, response: ServerResponse): boolean {
  const method = request.method;
  if ((method !== 'GET' && method !== 'HEAD') || request.headers['if-none-match'] !== undefined) return false;
  const url = request.url ?? '';
  if (url.includes('?')) return false;
  const match = MANIFEST_PATH.exec(url);
  const name = match?.groups?.['name'];
  const reference = match?.groups?.['reference'];
  if (name === undefined || reference === undefined) return false;
  const entry = ctx.cache.get(name, reference);
  if (!entry || !acceptsMediaType(request.headers.accept, entry.mediaType) || !isValidRepositoryName(name)) return false;
  const decision = ctx.access.authorize({ repository: name, actions: ['pull'], headers: request.headers });
  if (decision instanceof Promise || !decision.allowed) return false;
  response.writeHead(200, {
    'Content-Type': entry.mediaType,
    'Content-Length': entry.content.length,
    'Docker-Content-Digest': entry.digest,
    'Docker-Distribution-API-Version': 'registry/2.0',
    ETag: entry.etag,
  });
  ctx.events.publish(() => ({ action: 'pull', target: 'manifest', repository: name, digest: entry.digest, mediaType: entry.mediaType }));
  response.end(method === 'HEAD' ? undefined : entry.content);
  return true;
}
