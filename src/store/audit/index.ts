export type { AuditRow, AuditHead, AuditQuery, AuditStore } from './audit-store.js';
export { AuditStoreError, type AuditStoreErrorCode } from './errors.js';
export { openSqliteAuditStore } from './sqlite-audit-store.js';
