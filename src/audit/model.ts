/** How an audited action ended. */
export type AuditResult = 'success' | 'failure' | 'denied';

/** A value kept in an audit record's details: small, flat, never a secret. */
export type AuditDetailValue = string | number | boolean | null;

/**
 * Something to record. `action` is a short dotted name (`push`, `pull`, `delete`, `login`,
 * `auth-failure`, `scan-policy.update`, `webhook.create`, …); `actor` is the authenticated
 * subject or `anonymous`. Every source (registry, identity, admin API) maps its events to this.
 */
export interface AuditEvent {
  readonly actor: string;
  readonly action: string;
  readonly targetType: string;
  readonly repository?: string | undefined;
  readonly target?: string | undefined;
  readonly address?: string | undefined;
  readonly result: AuditResult;
  readonly details?: Readonly<Record<string, AuditDetailValue | undefined>> | undefined;
  /** When it happened; default now. */
  readonly time?: number | undefined;
  /**
   * Identical events within one flush interval may be written as one record with a `count`
   * (and `lastTime`): pulls at thousands per second stay affordable and every one is counted.
   */
  readonly coalesce?: boolean | undefined;
}

/** A record as read back: the event, its place in the chain and its hashes. */
export interface AuditRecord {
  readonly seq: number;
  readonly time: string;
  readonly actor: string;
  readonly action: string;
  readonly targetType: string;
  readonly repository: string | undefined;
  readonly target: string | undefined;
  readonly address: string | undefined;
  readonly result: string;
  readonly details: Readonly<Record<string, AuditDetailValue>>;
  readonly prevHash: string;
  readonly hash: string;
}
