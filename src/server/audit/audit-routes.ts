import type { FastifyInstance } from 'fastify';
import { parseAuditQuery, queryAudit, verifyAuditChain } from '../../audit/index.js';
import type { ApiAccess } from '../scanning/index.js';
import type { AuditService } from './audit-service.js';

/**
 * `GET /api/v1/audit?actor=&action=&since=&until=&repository=&limit=&before=`: records newest
 * first with a `next` cursor; `GET /api/v1/audit/verify`: the chain check. System admins only.
 */
export function registerAuditRoutes(
  app: FastifyInstance,
  service: AuditService,
  access: ApiAccess,
): void {
  app.get('/audit', async (request) => {
    await access.authorize(request, { kind: 'system-admin' });
    const query = parseAuditQuery(request.query as Record<string, unknown>);
    // Records still queued are written first, so a caller sees its own last action.
    service.log.flush();
    return queryAudit(service.store, query);
  });

  app.get('/audit/verify', async (request) => {
    await access.authorize(request, { kind: 'system-admin' });
    service.log.flush();
    return verifyAuditChain(service.store);
  });
}
