import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { isLockyardError } from '../../errors/index.js';
import { ScanningError } from './errors.js';

const BODY_LIMIT = 64 * 1024;
const INTERNAL = JSON.stringify({
  errors: [{ code: 'UNKNOWN', message: 'internal server error', detail: {} }],
});

function isFastifyError(error: unknown): error is FastifyError {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('FST_')
  );
}

function body(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, detail: {} }] });
}

/**
 * Answers an API error as `{"errors":[{"code","message","detail"}]}` (the registry's form).
 * Typed errors keep their status (bad filters and bodies are 400); framework errors keep their
 * 4xx; anything else is logged, without the request, and answered 500.
 */
export function sendApiError(reply: FastifyReply, error: unknown, logger: Logger): void {
  reply.header('Content-Type', 'application/json').header('Cache-Control', 'no-store');
  if (error instanceof ScanningError) {
    if (error.status >= 500) logger.error({ code: error.code, err: error }, 'api request failed');
    void reply.code(error.status).headers(error.headers).send(body(error.code, error.message));
    return;
  }
  if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode < 500) {
    const code =
      error.statusCode === 413
        ? 'BODY_TOO_LARGE'
        : error.statusCode === 415
          ? 'UNSUPPORTED_MEDIA_TYPE'
          : 'INVALID_REQUEST';
    void reply
      .code(error.statusCode)
      .send(body(code, error.message.split('\n')[0] ?? 'invalid request'));
    return;
  }
  if (isLockyardError(error)) {
    // A user error from a library (a bad audit filter, an unreadable image): the caller's to fix.
    void reply.code(400).send(body(error.code, error.message));
    return;
  }
  logger.error({ err: error }, 'api request failed');
  if (!reply.sent) void reply.code(500).send(INTERNAL);
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
      instance.removeAllContentTypeParsers();
      instance.addContentTypeParser(
        'application/json',
        { parseAs: 'string', bodyLimit: BODY_LIMIT },
        (_request, text, parsed) => {
          const value = typeof text === 'string' ? text : text.toString('utf8');
          if (value.trim() === '') {
            parsed(null, undefined);
            return;
          }
          try {
            parsed(null, JSON.parse(value) as unknown);
          } catch {
            parsed(new ScanningError('INVALID_REQUEST', 'the body is not valid JSON'), undefined);
          }
        },
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
