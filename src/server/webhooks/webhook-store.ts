import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeCause } from '../../errors/index.js';
import { openSqlite, type SqliteDatabase } from '../../store/index.js';
import { WebhookError } from './errors.js';

export type WebhookEventType = 'push' | 'delete' | 'scan';
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = ['push', 'delete', 'scan'];

export interface Webhook {
  readonly id: string;
  readonly project: string;
  readonly url: string;
  /** The HMAC key; never leaves the server after creation. */
  readonly secret: string;
  readonly events: readonly WebhookEventType[];
  readonly enabled: boolean;
  readonly createdAt: number;
  readonly createdBy: string;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface Delivery {
  readonly id: string;
  readonly webhookId: string;
  readonly event: string;
  readonly payload: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly nextAttemptAt: number | undefined;
  readonly lastStatus: number | undefined;
  readonly lastError: string | undefined;
  readonly createdAt: number;
  readonly deliveredAt: number | undefined;
}

export interface DeliveryAttempt {
  readonly attempt: number;
  readonly at: number;
  readonly status: number | undefined;
  readonly error: string | undefined;
  readonly durationMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY,
  project TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS webhooks_by_project ON webhooks (project);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  last_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  delivered_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS deliveries_by_webhook ON deliveries (webhook_id, created_at);
CREATE TABLE IF NOT EXISTS delivery_attempts (
  delivery_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  status INTEGER,
  error TEXT,
  duration_ms INTEGER NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;
`;

interface WebhookRow {
  id: string;
  project: string;
  url: string;
  secret: string;
  events: string;
  enabled: number;
  created_at: number;
  created_by: string;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event: string;
  payload: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

function webhookFrom(row: WebhookRow): Webhook {
  return {
    id: row.id,
    project: row.project,
    url: row.url,
    secret: row.secret,
    events: JSON.parse(row.events) as WebhookEventType[],
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

function deliveryFrom(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    event: row.event,
    payload: row.payload,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at ?? undefined,
    lastStatus: row.last_status ?? undefined,
    lastError: row.last_error ?? undefined,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at ?? undefined,
  };
}

/** Webhooks per project and their delivery log, in `DATA_DIR/webhooks/webhooks.db`. */
export class WebhookStore {
  readonly #db: SqliteDatabase;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      this.#db = openSqlite(path);
      this.#db.exec(SCHEMA);
    } catch (error) {
      throw new WebhookError(
        'STORE_INVALID',
        `cannot open webhook database ${path}: ${describeCause(error)}`,
        { cause: error },
      );
    }
  }

  create(hook: Webhook): void {
    this.#db
      .prepare(
        'INSERT INTO webhooks (id, project, url, secret, events, enabled, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        hook.id,
        hook.project,
        hook.url,
        hook.secret,
        JSON.stringify(hook.events),
        hook.enabled ? 1 : 0,
        hook.createdAt,
        hook.createdBy,
      );
  }

  update(hook: Webhook): void {
    this.#db
      .prepare('UPDATE webhooks SET url = ?, secret = ?, events = ?, enabled = ? WHERE id = ?')
      .run(hook.url, hook.secret, JSON.stringify(hook.events), hook.enabled ? 1 : 0, hook.id);
  }

  get(id: string): Webhook | undefined {
    const row = this.#db
      .prepare<[string], WebhookRow>('SELECT * FROM webhooks WHERE id = ?')
      .get(id);
    return row ? webhookFrom(row) : undefined;
  }

  list(project: string): Webhook[] {
    return this.#db
      .prepare<[string], WebhookRow>(
        'SELECT * FROM webhooks WHERE project = ? ORDER BY created_at, id',
      )
      .all(project)
      .map(webhookFrom);
  }

  /** Removes a webhook; its pending deliveries stop (they are marked failed, the log stays). */
  delete(id: string): boolean {
    return this.#db.transaction(() => {
      this.#db
        .prepare(
          "UPDATE deliveries SET state = 'failed', last_error = 'webhook deleted', next_attempt_at = NULL WHERE webhook_id = ? AND state = 'pending'",
        )
        .run(id);
      return this.#db.prepare('DELETE FROM webhooks WHERE id = ?').run(id).changes > 0;
    })();
  }

  addDelivery(delivery: {
    id: string;
    webhookId: string;
    event: string;
    payload: string;
    createdAt: number;
  }): void {
    this.#db
      .prepare(
        "INSERT INTO deliveries (id, webhook_id, event, payload, state, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
      )
      .run(
        delivery.id,
        delivery.webhookId,
        delivery.event,
        delivery.payload,
        delivery.createdAt,
        delivery.createdAt,
      );
  }

  getDelivery(id: string): Delivery | undefined {
    const row = this.#db
      .prepare<[string], DeliveryRow>('SELECT * FROM deliveries WHERE id = ?')
      .get(id);
    return row ? deliveryFrom(row) : undefined;
  }

  /** Pending deliveries whose next attempt is due, oldest first. */
  due(now: number, limit: number): Delivery[] {
    return this.#db
      .prepare<[number, number], DeliveryRow>(
        "SELECT * FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at LIMIT ?",
      )
      .all(now, limit)
      .map(deliveryFrom);
  }

  nextDue(): number | undefined {
    return (
      this.#db
        .prepare<[], { at: number | null }>(
          "SELECT min(next_attempt_at) AS at FROM deliveries WHERE state = 'pending'",
        )
        .get()?.at ?? undefined
    );
  }

  /** Records one attempt and the delivery's new state in one transaction. */
  recordAttempt(
    id: string,
    attempt: DeliveryAttempt,
    outcome: { state: DeliveryState; nextAttemptAt: number | undefined },
  ): void {
    this.#db.transaction(() => {
      this.#db
        .prepare(
          'INSERT OR REPLACE INTO delivery_attempts (delivery_id, attempt, at, status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          id,
          attempt.attempt,
          attempt.at,
          attempt.status ?? null,
          attempt.error ?? null,
          attempt.durationMs,
        );
      this.#db
        .prepare(
          'UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?, delivered_at = ? WHERE id = ?',
        )
        .run(
          outcome.state,
          attempt.attempt,
          outcome.nextAttemptAt ?? null,
          attempt.status ?? null,
          attempt.error ?? null,
          outcome.state === 'delivered' ? attempt.at : null,
          id,
        );
    })();
  }

  deliveries(webhookId: string, limit: number): Delivery[] {
    return this.#db
      .prepare<[string, number], DeliveryRow>(
        'SELECT * FROM deliveries WHERE webhook_id = ? ORDER BY created_at DESC, id DESC LIMIT ?',
      )
      .all(webhookId, limit)
      .map(deliveryFrom);
  }

  attempts(deliveryId: string): DeliveryAttempt[] {
    return this.#db
      .prepare<
        [string],
        {
          attempt: number;
          at: number;
          status: number | null;
          error: string | null;
          duration_ms: number;
        }
      >('SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY attempt')
      .all(deliveryId)
      .map((row) => ({
        attempt: row.attempt,
        at: row.at,
        status: row.status ?? undefined,
        error: row.error ?? undefined,
        durationMs: row.duration_ms,
      }));
  }

  close(): void {
    this.#db.close();
  }
}
