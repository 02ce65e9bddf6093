import { LockyardError } from '../../errors/index.js';

export type ScanningErrorCode =
  | 'STORE_INVALID'
  | 'NOT_FOUND'
  | 'NOT_READY'
  | 'INVALID_REQUEST'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'TOO_MANY_REQUESTS';

const STATUS: Readonly<Record<ScanningErrorCode, number>> = {
  STORE_INVALID: 500,
  NOT_FOUND: 404,
  NOT_READY: 409,
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  TOO_MANY_REQUESTS: 429,
};

/** An error of the scanning, webhook or audit API; `status` and `headers` are what the API answers with. */
export class ScanningError extends LockyardError<ScanningErrorCode> {
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ScanningErrorCode,
    message: string,
    options: { cause?: unknown; headers?: Readonly<Record<string, string>> } = {},
  ) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return STATUS[this.code];
  }
}
