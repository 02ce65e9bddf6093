import { LockyardError } from '../../errors/index.js';

export type AuditStoreErrorCode = 'AUDIT_DB_NOT_FOUND' | 'AUDIT_DB_INVALID' | 'AUDIT_CHAIN_FORK';

export class AuditStoreError extends LockyardError<AuditStoreErrorCode> {}
