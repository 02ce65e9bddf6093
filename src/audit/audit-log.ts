import type { AuditRow, AuditStore } from '../store/index.js';
import { GENESIS_HASH, recordHash } from './chain.js';
import type { AuditEvent } from './model.js';
import { canonicalDetails, scrubText } from './scrub.js';

export interface AuditLogOptions {
  /** How long an event may wait in memory before it is written (default 200 ms). */
  readonly flushMs?: number;
  /** Write as soon as this many events wait (default 500). */
  readonly maxBatch?: number;
  /** Events kept while the store fails; the oldest beyond this are dropped and counted (default 100,000). */
  readonly maxQueue?: number;
  /** Told when a write fails (the events stay queued and are retried). */
  readonly onError?: (error: unknown) => void;
}

interface Pending {
  readonly event: AuditEvent;
  readonly time: number;
  /** How many identical events this record stands for (coalesced events only). */
  count: number;
  last: number;
}

function coalesceKey(event: AuditEvent): string {
  const details = event.details === undefined ? '' : JSON.stringify(event.details);
  return `${event.actor}\0${event.action}\0${event.targetType}\0${event.repository ?? ''}\0${event.target ?? ''}\0${event.address ?? ''}\0${event.result}\0${details}`;
}

/**
 * The audit log's writer. `record` only queues (an array push, no I/O), so a pull answered from
 * memory is not slowed by its audit record; a timer or a full batch writes the queue in one
 * transaction, chaining each record to the one before. A crash loses at most the last flush
 * interval of events, never the chain's integrity.
 */
export class AuditLog {
  readonly #store: AuditStore;
  readonly #flushMs: number;
  readonly #maxBatch: number;
  readonly #maxQueue: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  #queue: Pending[] = [];
  readonly #coalesced = new Map<string, Pending>();
  #timer: NodeJS.Timeout | undefined;
  #dropped = 0;
  #closed = false;

  constructor(store: AuditStore, options: AuditLogOptions = {}) {
    this.#store = store;
    this.#flushMs = options.flushMs ?? 200;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#maxQueue = options.maxQueue ?? 100_000;
    this.#onError = options.onError;
  }

  record(event: AuditEvent): void {
    if (this.#closed) return;
    const time = event.time ?? Date.now();
    if (event.coalesce) {
      const key = coalesceKey(event);
      const same = this.#coalesced.get(key);
      if (same) {
        same.count += 1;
        same.last = time;
        return;
      }
      const pending: Pending = { event, time, count: 1, last: time };
      this.#coalesced.set(key, pending);
      this.#queue.push(pending);
    } else {
      this.#queue.push({ event, time, count: 1, last: time });
    }
    if (this.#queue.length > this.#maxQueue) {
      // The store has been failing for long: drop the oldest (counted, and recorded once it recovers).
      this.#queue.shift();
      this.#coalesced.clear();
      this.#dropped += 1;
    }
    if (this.#queue.length >= this.#maxBatch) {
      this.#schedule(0);
    } else {
      this.#schedule(this.#flushMs);
    }
  }

  #schedule(delay: number): void {
    if (this.#timer !== undefined && delay > 0) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, delay);
    this.#timer.unref();
  }

  /** Writes every queued event now; returns how many were written (0 when the store failed). */
  flush(): number {
    if (this.#queue.length === 0 && this.#dropped === 0) return 0;
    const batch = this.#queue;
    const dropped = this.#dropped;
    const now = Date.now();
    const pending: Pending[] =
      dropped > 0
        ? [
            {
              time: now,
              event: {
                actor: 'lockyard',
                action: 'audit.dropped',
                targetType: 'audit-log',
                result: 'failure',
                details: { dropped },
              },
              count: 1,
              last: now,
            },
            ...batch,
          ]
        : batch;
    this.#queue = [];
    this.#coalesced.clear();
    this.#dropped = 0;
    try {
      return this.#store.append((head) =>
        chainRows(head?.seq ?? 0, head?.hash ?? GENESIS_HASH, pending),
      );
    } catch (error) {
      // Keep the events for the next attempt; the queue bound protects memory meanwhile.
      this.#queue = [...batch, ...this.#queue];
      this.#dropped += dropped;
      this.#onError?.(error);
      if (!this.#closed) this.#schedule(Math.max(this.#flushMs, 1000));
      return 0;
    }
  }

  /** Events waiting to be written. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Writes what is queued and stops accepting events. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.flush();
    this.#closed = true;
  }
}

function chainRows(headSeq: number, headHash: string, pending: readonly Pending[]): AuditRow[] {
  const rows: AuditRow[] = [];
  let prevHash = headHash;
  let seq = headSeq;
  for (const { event, time, count, last } of pending) {
    seq += 1;
    const details =
      count > 1
        ? { ...event.details, count, lastTime: new Date(last).toISOString() }
        : event.details;
    const unhashed: Omit<AuditRow, 'hash'> = {
      seq,
      time,
      actor: scrubText(event.actor) ?? 'anonymous',
      action: scrubText(event.action) ?? 'unknown',
      targetType: scrubText(event.targetType) ?? 'unknown',
      repository: scrubText(event.repository),
      target: scrubText(event.target),
      address: scrubText(event.address),
      result: event.result,
      details: canonicalDetails(details),
      prevHash,
    };
    const row = { ...unhashed, hash: recordHash(unhashed) };
    rows.push(row);
    prevHash = row.hash;
  }
  return rows;
}
