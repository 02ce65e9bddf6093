/**
 * Typed errors. Every area of Lockyard throws a subclass of `LockyardError` with a code from a
 * closed union, so callers branch on `code` rather than on message text, and the edges (CLI exit
 * codes, HTTP error bodies) map errors to their wire form in one place.
 *
 * A LockyardError is a *user-facing* error: its message is one line, names what and where, and
 * never contains a secret. Anything else that escapes to the CLI is a bug and prints a stack.
 */
export class LockyardError<C extends string = string> extends Error {
  readonly code: C;
  /** Structured context (image, layer, path, file, field...) for logs and JSON output. */
  readonly details: Readonly<Record<string, string | number | boolean | undefined>>;

  constructor(
    code: C,
    message: string,
    options: {
      cause?: unknown;
      details?: Readonly<Record<string, string | number | boolean | undefined>>;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  override get name(): string {
    return this.constructor.name;
  }
}

export function isLockyardError(error: unknown): error is LockyardError {
  return error instanceof LockyardError;
}

/** A short description of an unknown thrown value, for wrapping into a typed error. */
export function describeCause(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export class ConfigError extends LockyardError<'INVALID_CONFIG' | 'INVALID_ARGUMENT'> {}
