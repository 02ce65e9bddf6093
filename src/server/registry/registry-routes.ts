import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BlobStoreError } from '../../store/index.js';
import { isFastifyError } from '../http/index.js';
import type { RegistryContext } from './context.js';
import { dispatch } from './dispatch.js';
import { errorBody, RegistryError } from './errors.js';
import { fromStoreError } from './upload-handlers.js';

// The spec's table has no code for a server fault (Distribution's UNKNOWN is not in it), and a
// code MUST come from the table: a 500 carries an empty error list; the status says it all.
const INTERNAL = JSON.stringify({ errors: [] });

/** Sends an error in the spec's wire form; anything unexpected is logged and answered 500. */
function sendError(
  ctx: RegistryContext,
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const mapped = error instanceof BlobStoreError ? fromStoreError(error) : error;
  reply.header('Docker-Distribution-API-Version', 'registry/2.0');
  if (mapped instanceof RegistryError) {
    if (mapped.status >= 500)
      ctx.logger.error(
        { code: mapped.code, method: request.method, err: mapped },
        'registry request failed',
      );
    void reply
      .code(mapped.status)
      .headers({ ...mapped.headers, 'Content-Type': 'application/json' })
      .send(Buffer.from(errorBody(mapped)));
    return;
  }
  if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode < 500) {
    const wire = new RegistryError('UNSUPPORTED', error.message, { status: error.statusCode });
    void reply
      .code(wire.status)
      .header('Content-Type', 'application/json')
      .send(Buffer.from(errorBody(wire)));
    return;
  }
  if (request.raw.destroyed || reply.raw.destroyed) return;
  ctx.logger.error({ method: request.method, err: error }, 'registry request failed');
  void reply.code(500).header('Content-Type', 'application/json').send(Buffer.from(INTERNAL));
}

/**
 * Mounts the OCI distribution API under /v2 on a Fastify instance. Bodies are not parsed by
 * Fastify: every content type passes through untouched, so blob uploads stream from the socket
 * to disk and manifests are read with their own size limit.
 */
export function registerRegistryRoutes(app: FastifyInstance, ctx: RegistryContext): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => {
    done(null);
  });
  app.setErrorHandler((error, request, reply) => {
    sendError(ctx, error, request, reply);
  });
  app.setNotFoundHandler((request, reply) => {
    sendError(
      ctx,
      new RegistryError('UNSUPPORTED', 'no registry endpoint at this path', { status: 404 }),
      request,
      reply,
    );
  });
  const handler = (request: FastifyRequest, reply: FastifyReply): Promise<void> =>
    dispatch(ctx, request, reply);
  const methods = ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'] as const;
  app.route({ method: [...methods], url: '/v2', handler });
  app.route({ method: [...methods], url: '/v2/*', handler });
}
