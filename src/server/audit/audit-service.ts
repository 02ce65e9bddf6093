import { join } from 'node:path';
import type { Logger } from 'pino';
import { AuditLog, type AuditEvent } from '../../audit/index.js';
import { describeCause } from '../../errors/index.js';
import { openSqliteAuditStore, type AuditStore } from '../../store/index.js';
import type { IdentityEvents } from '../identity/index.js';
import type { RegistryEvent, RegistryEvents } from '../registry/index.js';
import { fromIdentityEvent, fromRegistryEvent } from './audit-sources.js';

/** Where the audit log of a data directory lives (the CLI reads the same file). */
export function auditLogPath(dataDir: string): string {
  return join(dataDir, 'audit', 'audit.db');
}

/**
 * The server's audit log: registry pushes, pulls and deletes, identity events (sign-ins, failed
 * authentication, administration) and the scanning/webhook API's changes, all through one
 * batched writer so a pull's record costs an array push on the request path.
 */
export class AuditService {
  readonly store: AuditStore;
  readonly log: AuditLog;

  constructor(dataDir: string, logger: Logger, options: { flushMs?: number } = {}) {
    this.store = openSqliteAuditStore(auditLogPath(dataDir));
    this.log = new AuditLog(this.store, {
      ...(options.flushMs === undefined ? {} : { flushMs: options.flushMs }),
      onError: (error) => {
        logger.error(
          { reason: describeCause(error) },
          'audit log write failed; events kept for retry',
        );
      },
    });
  }

  record(event: AuditEvent): void {
    this.log.record(event);
  }

  listen(registry: RegistryEvents, identity: IdentityEvents | undefined): void {
    const fromRegistry = (event: RegistryEvent): void => {
      const audited = fromRegistryEvent(event);
      if (audited) this.log.record(audited);
    };
    registry.on('event', fromRegistry);
    registry.on('refusal', fromRegistry);
    identity?.on('event', (event) => {
      this.log.record(fromIdentityEvent(event));
    });
  }

  close(): void {
    this.log.close();
    this.store.close();
  }
}
