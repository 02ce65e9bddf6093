import type { FastifyError, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { IdentityStoreError } from '../../store/index.js';
import { IdentityError } from './errors.js';

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
 * Answers an error of the token endpoint or the admin API as JSON in the registry's error form,
 * `{"errors":[{"code","message","detail"}]}`. Identity errors carry their status and headers
 * (WWW-Authenticate, Retry-After); framework errors (bad JSON, body too large) keep their 4xx;
 * anything else is logged (without the request's headers or body) and answered 500.
 */
export function sendIdentityError(
  reply: FastifyReply,
  error: unknown,
  logger: Logger,
  basicRealm: string,
): void {
  reply.header('Content-Type', 'application/json').header('Cache-Control', 'no-store');
  if (error instanceof IdentityError) {
    const headers: Record<string, string> = { ...error.headers };
    if (error.status === 401 && headers['WWW-Authenticate'] === undefined)
      headers['WWW-Authenticate'] = `Basic realm="${basicRealm}", charset="UTF-8"`;
    void reply.code(error.status).headers(headers).send(body(error.code, error.message));
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
  if (error instanceof IdentityStoreError)
    logger.error({ code: error.code, err: error }, 'identity store failed');
  else logger.error({ err: error }, 'identity request failed');
  if (!reply.sent) void reply.code(500).send(INTERNAL);
}
