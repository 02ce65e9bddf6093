import type { FastifyReply, FastifyRequest } from 'fastify';
import { BlobStoreError } from '../../store/index.js';
import type { AccessDecision, RegistryAction, ScopeRequest } from './access.js';
import { deleteBlob, getBlob } from './blob-handlers.js';
import type { RegistryContext } from './context.js';
import { RegistryError } from './errors.js';
import { originOf, rememberSubject, type RegistryEvent } from './events.js';
import { listCatalog, listReferrers, listTags } from './listing-handlers.js';
import { deleteManifest, getManifest, putManifest } from './manifest-handlers.js';
import { checkRepositoryName, printable } from './names.js';
import { matchRoute, ROUTE_METHODS, type Route } from './routes.js';
import {
  cancelUpload,
  finishUpload,
  fromStoreError,
  parseMount,
  patchUpload,
  startUpload,
  uploadStatus,
} from './upload-handlers.js';

type Query = Readonly<Record<string, string | string[] | undefined>>;

const PULL: readonly RegistryAction[] = ['pull'];
const PUSH: readonly RegistryAction[] = ['pull', 'push'];
const DELETE: readonly RegistryAction[] = ['delete'];
const CATALOG: readonly RegistryAction[] = ['catalog'];
const NONE: readonly RegistryAction[] = [];

/**
 * A mount names pull on its source in the challenge, asked for but not required (startUpload
 * checks it and falls back to an upload without it). A mount within one repository needs nothing more.
 */
function mountScopes(target: string | undefined, from: string | undefined): ScopeRequest[] {
  return from === undefined || from === target ? [] : [{ repository: from, actions: PULL }];
}

function actionsFor(route: Route, method: string): readonly RegistryAction[] {
  if (route.kind === 'base') return NONE;
  if (route.kind === 'catalog') return CATALOG;
  if (method === 'DELETE' && (route.kind === 'manifest' || route.kind === 'blob')) return DELETE;
  if (method === 'GET' || method === 'HEAD') return route.kind === 'upload' ? PUSH : PULL;
  return PUSH;
}

type Allowed = Extract<AccessDecision, { allowed: true }>;

async function authorize(
  ctx: RegistryContext,
  name: string | undefined,
  actions: readonly RegistryAction[],
  request: FastifyRequest,
  optionalScopes: readonly ScopeRequest[] = [],
): Promise<Allowed> {
  const decision = await ctx.access.authorize({
    repository: name,
    actions,
    optionalScopes,
    headers: request.headers,
    remoteAddress: request.ip,
  });
  if (decision.allowed) {
    rememberSubject(request.raw, decision.subject);
    return decision;
  }
  const headers = { ...decision.headers };
  if (decision.status === 401) {
    throw new RegistryError('UNAUTHORIZED', decision.reason, {
      headers: decision.challenge
        ? { ...headers, 'WWW-Authenticate': decision.challenge }
        : headers,
    });
  }
  if (decision.status === 429)
    throw new RegistryError('TOOMANYREQUESTS', decision.reason, { headers });
  throw new RegistryError('DENIED', decision.reason, { headers });
}

type RefusalTarget = Pick<RegistryEvent, 'action' | 'target' | 'repository' | 'digest' | 'tag'>;

/** What a manifest PUT or DELETE is about, from its reference (a digest has a ":"). */
function manifestTarget(
  action: 'push' | 'delete',
  repository: string,
  reference: string,
): RefusalTarget {
  const shown = printable(reference);
  if (reference.includes(':')) return { action, target: 'manifest', repository, digest: shown };
  return { action, target: action === 'delete' ? 'tag' : 'manifest', repository, tag: shown };
}

/**
 * Runs a push or delete handler and, when the registry refuses it, publishes the refusal (for
 * the audit log) before the error is answered. Access refusals never get here: identity
 * records those itself.
 */
async function recordRefusal(
  ctx: RegistryContext,
  request: FastifyRequest,
  target: RefusalTarget,
  handler: () => Promise<void>,
): Promise<void> {
  try {
    await handler();
  } catch (error) {
    const mapped = error instanceof BlobStoreError ? fromStoreError(error) : error;
    ctx.events.publishRefusal(() => ({
      ...target,
      origin: originOf(request.raw),
      // A server fault has no spec code, and its internal message may name paths: the record
      // says only that it failed (the server log has the details).
      refused:
        mapped instanceof RegistryError
          ? { code: mapped.code, reason: mapped.message }
          : { reason: 'internal server error' },
    }));
    throw error;
  }
}

/** Routes one request to its handler after the name check and the access decision. */
export async function dispatch(
  ctx: RegistryContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  reply.header('Docker-Distribution-API-Version', 'registry/2.0');
  const url = request.url;
  const queryStart = url.indexOf('?');
  const path = queryStart < 0 ? url : url.slice(0, queryStart);
  const route = matchRoute(path);
  if (!route)
    throw new RegistryError('UNSUPPORTED', `no registry endpoint at ${printable(path)}`, {
      status: 404,
    });
  const method = request.method;
  if (!ROUTE_METHODS[route.kind].includes(method)) {
    throw new RegistryError('UNSUPPORTED', `${method} is not supported on ${printable(path)}`, {
      headers: { Allow: ROUTE_METHODS[route.kind].join(', ') },
    });
  }
  const name = 'name' in route ? checkRepositoryName(route.name) : undefined;
  const query = request.query as Query;
  // Checked before the decision like the name: a bad source never reaches the challenge.
  const mount = route.kind === 'upload-start' ? parseMount(query) : undefined;
  const decision = await authorize(
    ctx,
    name,
    actionsFor(route, method),
    request,
    mountScopes(name, mount?.from),
  );
  switch (route.kind) {
    case 'base':
      await reply.code(200).header('Content-Type', 'application/json').send(Buffer.from('{}'));
      return;
    case 'catalog':
      return listCatalog(ctx, query, reply, decision.visibleInCatalog);
    case 'tags':
      return listTags(ctx, route.name, query, reply);
    case 'referrers':
      return listReferrers(ctx, route.name, route.digest, query, reply);
    case 'manifest':
      if (method === 'PUT')
        return recordRefusal(
          ctx,
          request,
          manifestTarget('push', route.name, route.reference),
          () => putManifest(ctx, route.name, route.reference, request, reply),
        );
      if (method === 'DELETE')
        return recordRefusal(
          ctx,
          request,
          manifestTarget('delete', route.name, route.reference),
          () => deleteManifest(ctx, route.name, route.reference, reply),
        );
      return getManifest(ctx, route.name, route.reference, request, reply);
    case 'blob':
      if (method === 'DELETE')
        return recordRefusal(
          ctx,
          request,
          { action: 'delete', target: 'blob', repository: route.name, digest: route.digest },
          () => deleteBlob(ctx, route.name, route.digest, reply),
        );
      return getBlob(ctx, route.name, route.digest, request, reply);
    case 'upload-start':
      return startUpload(ctx, route.name, mount, query, request, reply);
    case 'upload':
      if (method === 'PATCH') return patchUpload(ctx, route.name, route.id, request, reply);
      if (method === 'PUT') return finishUpload(ctx, route.name, route.id, query, request, reply);
      if (method === 'DELETE') return cancelUpload(ctx, route.name, route.id, reply);
      return uploadStatus(ctx, route.name, route.id, reply);
  }
}
