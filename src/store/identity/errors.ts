import { LockyardError } from '../../errors/index.js';

export type IdentityStoreErrorCode = 'SCHEMA_TOO_NEW' | 'DATABASE_ERROR' | 'CORRUPT_RECORD';

export class IdentityStoreError extends LockyardError<IdentityStoreErrorCode> {}
