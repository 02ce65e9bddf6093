import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { isLockyardError } from '../../errors/index.js';
import {
  acceptJsonBodies,
  errorBody,
  INTERNAL_ERROR_BODY,
  sendFrameworkError,
} from '../http/index.js';
import { ScanningError } from './errors.js';

const BODY_LIMIT = 64 * 1024;
/**
 * Answers an API error as `{"errors":[{"code","message","detail"}]}` (the registry's form).
 * Typed errors keep their status (bad filters and bodies are 400); framework errors keep their
 * 4xx; anything else is logged, without the request, and answered 500.
 */
export function sendApiError(reply: FastifyReply, error: unknown, logger: Logger): void {
  reply.header('Content-Type', 'application/json').header('Cache-Control', 'no-store');
  if (error instanceof ScanningError) {
    if (error.status >= 500) logger.error({ code: error.code, err: error }, 'api request failed');
    void reply.code(error.status).headers(error.headers).send(errorBody(error.code, error.message));
    return;
  }
  if (sendFrameworkError(reply, error)) return;
  if (isLockyardError(error)) {
    // A user error from a library (a bad audit filter, an unreadable image): the caller's to fix.
    void reply.code(400).send(errorBody(error.code, error.message));
    return;
  }
  logger.error({ err: error }, 'api request failed');
  if (!reply.sent) void reply.code(500).send(INTERNAL_ERROR_BODY);
}

/**
 * Mounts routes under /api/v1 in their own encapsulated context: JSON bodies (64 KiB at most)
 * and this error handler, whatever the registry set on the root.
 */
export function registerApiRoutes(
  app: FastifyInstance,
  logger: Logger,
  routes: (api: FastifyInstance) => void,
): void {
  void app.register(
    (instance, _options, done) => {
      acceptJsonBodies(
        instance,
        BODY_LIMIT,
        () => new ScanningError('INVALID_REQUEST', 'the body is not valid JSON'),
      );
      instance.setErrorHandler((error, _request, reply) => {
        sendApiError(reply, error, logger);
      });
      routes(instance);
      done();
    },
    { prefix: '/api/v1' },
  );
}
