import { LockyardError } from '../errors/index.js';

export type VulnDbErrorCode =
  | 'UNKNOWN_SOURCE'
  | 'INPUT_NOT_FOUND'
  | 'INPUT_INVALID'
  | 'DB_NOT_FOUND'
  | 'DB_INVALID'
  | 'SCHEMA_MISMATCH'
  | 'DB_TOO_OLD'
  | 'FEED_CONFIG_INVALID'
  | 'FETCH_FAILED'
  | 'UPDATE_IN_PROGRESS'
  | 'VERIFY_FAILED';

/** Anything wrong with advisory feeds, the vulnerability database file, or updating it. */
export class VulnDbError extends LockyardError<VulnDbErrorCode> {}
