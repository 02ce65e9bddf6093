import { LockyardError } from '../errors/index.js';

export type VersionErrorCode =
  'INVALID_VERSION' | 'INVALID_CONSTRAINT' | 'INVALID_RANGE' | 'UNKNOWN_SCHEME';

/** A version, constraint or advisory range that its scheme cannot read. */
export class VersionError extends LockyardError<VersionErrorCode> {}

/** Keeps hostile input from flooding a one-line error message. */
export function quoteForError(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(shown);
}

export function invalidVersion(scheme: string, version: string): VersionError {
  return new VersionError(
    'INVALID_VERSION',
    `${quoteForError(version)} is not a valid ${scheme} version`,
    {
      details: { scheme, version: version.slice(0, 200) },
    },
  );
}

export function invalidConstraint(
  scheme: string,
  constraint: string,
  reason?: string,
): VersionError {
  const why = reason ? `: ${reason}` : '';
  return new VersionError(
    'INVALID_CONSTRAINT',
    `${quoteForError(constraint)} is not a valid ${scheme} constraint${why}`,
    {
      details: { scheme, constraint: constraint.slice(0, 200) },
    },
  );
}
