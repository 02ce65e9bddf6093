import { LockyardError } from '../../errors/index.js';

/**
 * The error codes of the OCI distribution spec's table (spec.md, "Error Codes"), and only those:
 * the spec says a `code` MUST be one of them. Distribution's extras (TAG_INVALID,
 * PAGINATION_NUMBER_INVALID, RANGE_INVALID) are answered with the fitting spec code; see README.
 */
export const SPEC_ERROR_CODES = [
  'BLOB_UNKNOWN',
  'BLOB_UPLOAD_INVALID',
  'BLOB_UPLOAD_UNKNOWN',
  'DIGEST_INVALID',
  'MANIFEST_BLOB_UNKNOWN',
  'MANIFEST_INVALID',
  'MANIFEST_UNKNOWN',
  'NAME_INVALID',
  'NAME_UNKNOWN',
  'SIZE_INVALID',
  'UNAUTHORIZED',
  'DENIED',
  'UNSUPPORTED',
  'TOOMANYREQUESTS',
] as const;

export type RegistryErrorCode = (typeof SPEC_ERROR_CODES)[number];

/** The HTTP status each code is answered with unless a handler says otherwise (as Distribution does). */
const DEFAULT_STATUS: Readonly<Record<RegistryErrorCode, number>> = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
};

export type ErrorDetail = Readonly<Record<string, string | number | boolean>>;

/**
 * An error the registry answers with: an OCI error code, its HTTP status, a one-line message
 * naming what was wrong and where, and the spec's `detail` object. Extra entries (several
 * missing blobs of one manifest) travel in `more`.
 */
export class RegistryError extends LockyardError<RegistryErrorCode> {
  readonly status: number;
  readonly detail: ErrorDetail;
  readonly headers: Readonly<Record<string, string>>;
  readonly more: readonly RegistryError[];

  constructor(
    code: RegistryErrorCode,
    message: string,
    options: {
      status?: number;
      detail?: ErrorDetail;
      headers?: Record<string, string>;
      more?: readonly RegistryError[];
      cause?: unknown;
    } = {},
  ) {
    super(
      code,
      message,
      options.cause === undefined
        ? { details: options.detail ?? {} }
        : { cause: options.cause, details: options.detail ?? {} },
    );
    this.status = options.status ?? DEFAULT_STATUS[code];
    this.detail = options.detail ?? {};
    this.headers = options.headers ?? {};
    this.more = options.more ?? [];
  }
}

/** The wire form: `{"errors":[{"code","message","detail"}]}`. */
export function errorBody(error: RegistryError): string {
  const entries = [error, ...error.more].map((entry) => ({
    code: entry.code,
    message: entry.message,
    detail: entry.detail,
  }));
  return JSON.stringify({ errors: entries });
}
