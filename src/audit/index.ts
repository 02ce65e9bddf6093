export type { AuditEvent, AuditRecord, AuditResult, AuditDetailValue } from './model.js';
export { AuditLog, type AuditLogOptions } from './audit-log.js';
export { GENESIS_HASH, recordHash } from './chain.js';
export { verifyAuditChain, type VerifyResult } from './verify.js';
export {
  parseAuditQuery,
  queryAudit,
  toAuditRecord,
  MAX_AUDIT_LIMIT,
  type ParsedAuditQuery,
  type AuditPage,
} from './query.js';
export { AuditError, type AuditErrorCode } from './errors.js';
export { REDACTED } from './scrub.js';
