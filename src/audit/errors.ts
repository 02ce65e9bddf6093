import { LockyardError } from '../errors/index.js';

export type AuditErrorCode = 'INVALID_QUERY';

/** A bad audit query (a filter from the API or the CLI); the message names the field. */
export class AuditError extends LockyardError<AuditErrorCode> {}
