import { LockyardError } from '../../errors/index.js';

export type AdminClientErrorCode =
  'SERVER_REFUSED' | 'UNREACHABLE' | 'BAD_RESPONSE' | 'INVALID_ARGUMENT';

/** A failed admin call: the server's own message (it never echoes secrets), or why it could not be asked. */
export class AdminClientError extends LockyardError<AdminClientErrorCode> {}
