export { AuditService, auditLogPath } from './audit-service.js';
export { registerAuditRoutes } from './audit-routes.js';
export { fromRegistryEvent, fromIdentityEvent } from './audit-sources.js';
