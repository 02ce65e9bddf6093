import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

/** An error Fastify itself raised (`FST_…`): a body too large, an unsupported content type. */
export function isFastifyError(error: unknown): error is FastifyError {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('FST_')
  );
}

/** The error form the registry, the token endpoint and the APIs share. */
export function errorBody(code: string, message: string): string {
  return JSON.stringify({ errors: [{ code, message, detail: {} }] });
}

/** What a server fault answers on the JSON APIs: no detail of what went wrong. */
export const INTERNAL_ERROR_BODY = errorBody('UNKNOWN', 'internal server error');

/**
 * Answers a framework error below 500 (body too large, unsupported media type, a malformed
 * request) with its own status and first message line; false when `error` is not one.
 */
export function sendFrameworkError(reply: FastifyReply, error: unknown): boolean {
  if (!isFastifyError(error) || error.statusCode === undefined || error.statusCode >= 500)
    return false;
  const code =
    error.statusCode === 413
      ? 'BODY_TOO_LARGE'
      : error.statusCode === 415
        ? 'UNSUPPORTED_MEDIA_TYPE'
        : 'INVALID_REQUEST';
  void reply
    .code(error.statusCode)
    .send(errorBody(code, error.message.split('\n')[0] ?? 'invalid request'));
  return true;
}

/**
 * Makes `instance` accept JSON bodies only, up to `bodyLimit` bytes: an empty body is no body,
 * and text that is not JSON fails with the error `invalidJson` makes (the API's own type).
 */
export function acceptJsonBodies(
  instance: FastifyInstance,
  bodyLimit: number,
  invalidJson: () => Error,
): void {
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit },
    (_request, body, parsed) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') {
        parsed(null, undefined);
        return;
      }
      try {
        parsed(null, JSON.parse(text) as unknown);
      } catch {
        parsed(invalidJson(), undefined);
      }
    },
  );
}
