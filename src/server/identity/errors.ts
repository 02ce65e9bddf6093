import { LockyardError } from '../../errors/index.js';

export type IdentityErrorCode =
  | 'UNAUTHORIZED'
  | 'INVALID_TOKEN'
  | 'DENIED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_REQUEST'
  | 'TOO_MANY_REQUESTS'
  | 'UNSUPPORTED';

const STATUS: Readonly<Record<IdentityErrorCode, number>> = {
  UNAUTHORIZED: 401,
  INVALID_TOKEN: 401,
  DENIED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_REQUEST: 400,
  TOO_MANY_REQUESTS: 429,
  UNSUPPORTED: 405,
};

/**
 * An identity or access failure: a code, its HTTP status and a one-line message that names what
 * was wrong. It never holds a password, secret or token; failed logins all read the same, so a
 * message never tells whether an account exists.
 */
export class IdentityError extends LockyardError<IdentityErrorCode> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: IdentityErrorCode,
    message: string,
    options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.status = STATUS[code];
    this.headers = options.headers ?? {};
  }
}

/** The one answer to every failed login, whatever failed (unknown user, wrong password, bad secret). */
export function invalidCredentials(): IdentityError {
  return new IdentityError('UNAUTHORIZED', 'invalid username or password');
}
