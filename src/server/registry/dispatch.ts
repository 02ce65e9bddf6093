import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RegistryAction } from './access.js';
import { deleteBlob, getBlob } from './blob-handlers.js';
import type { RegistryContext } from './context.js';
import { RegistryError } from './errors.js';
import { rememberSubject } from './events.js';
import { listCatalog, listReferrers, listTags } from './listing-handlers.js';
import { deleteManifest, getManifest, putManifest } from './manifest-handlers.js';
import { checkRepositoryName, printable } from './names.js';
import { matchRoute, ROUTE_METHODS, type Route } from './routes.js';
import {
  cancelUpload,
  finishUpload,
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

function actionsFor(route: Route, method: string): readonly RegistryAction[] {
  if (route.kind === 'base') return NONE;
  if (route.kind === 'catalog') return CATALOG;
  if (method === 'DELETE' && (route.kind === 'manifest' || route.kind === 'blob')) return DELETE;
  if (method === 'GET' || method === 'HEAD') return route.kind === 'upload' ? PUSH : PULL;
  return PUSH;
}

async function authorize(
  ctx: RegistryContext,
  name: string | undefined,
  actions: readonly RegistryAction[],
  request: FastifyRequest,
): Promise<void> {
  const decision = await ctx.access.authorize({
    repository: name,
    actions,
    headers: request.headers,
    remoteAddress: request.ip,
  });
  if (decision.allowed) {
    rememberSubject(request.raw, decision.subject);
    return;
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
  await authorize(ctx, name, actionsFor(route, method), request);
  const query = request.query as Query;
  switch (route.kind) {
    case 'base':
      await reply.code(200).header('Content-Type', 'application/json').send(Buffer.from('{}'));
      return;
    case 'catalog':
      return listCatalog(ctx, query, reply);
    case 'tags':
      return listTags(ctx, route.name, query, reply);
    case 'referrers':
      return listReferrers(ctx, route.name, route.digest, query, reply);
    case 'manifest':
      if (method === 'PUT') return putManifest(ctx, route.name, route.reference, request, reply);
      if (method === 'DELETE') return deleteManifest(ctx, route.name, route.reference, reply);
      return getManifest(ctx, route.name, route.reference, request, reply);
    case 'blob':
      if (method === 'DELETE') return deleteBlob(ctx, route.name, route.digest, reply);
      return getBlob(ctx, route.name, route.digest, request, reply);
    case 'upload-start':
      return startUpload(ctx, route.name, query, request, reply);
    case 'upload':
      if (method === 'PATCH') return patchUpload(ctx, route.name, route.id, request, reply);
      if (method === 'PUT') return finishUpload(ctx, route.name, route.id, query, request, reply);
      if (method === 'DELETE') return cancelUpload(ctx, route.name, route.id, reply);
      return uploadStatus(ctx, route.name, route.id, reply);
  }
}
