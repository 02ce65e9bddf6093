import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { IdentityStoreError } from '../../store/index.js';
import { errorBody, INTERNAL_ERROR_BODY, sendFrameworkError } from '../http/index.js';
import { IdentityError } from './errors.js';

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
    void reply.code(error.status).headers(headers).send(errorBody(error.code, error.message));
    return;
  }
  if (sendFrameworkError(reply, error)) return;
  if (error instanceof IdentityStoreError)
    logger.error({ code: error.code, err: error }, 'identity store failed');
  else logger.error({ err: error }, 'identity request failed');
  if (!reply.sent) void reply.code(500).send(INTERNAL_ERROR_BODY);
}
