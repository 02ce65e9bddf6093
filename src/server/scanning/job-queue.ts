import type { SqliteDatabase } from '../../store/index.js';

export interface ScanJob {
  readonly digest: string;
  readonly repository: string;
  readonly mediaType: string;
  readonly attempts: number;
  readonly queuedAt: number;
}

interface JobRow {
  digest: string;
  repository: string;
  media_type: string;
  state: 'queued' | 'running';
  attempts: number;
  queued_at: number;
}

/**
 * The scan queue, persisted: a push inserts a row, the worker claims the oldest queued row and
 * deletes it when the result is stored. A restart finds rows left `running` by a crash and
 * queues them again, so no pushed image goes unscanned.
 */
export class JobQueue {
  readonly #insert;
  readonly #next;
  readonly #claim;
  readonly #requeue;
  readonly #remove;
  readonly #state;
  readonly #counts;
  readonly #due;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare<[string, string, string, number]>(
      "INSERT INTO jobs (digest, repository, media_type, state, queued_at) VALUES (?, ?, ?, 'queued', ?) ON CONFLICT(digest) DO NOTHING",
    );
    this.#next = db.prepare<[number], JobRow>(
      "SELECT * FROM jobs WHERE state = 'queued' AND queued_at <= ? ORDER BY queued_at, digest LIMIT 1",
    );
    this.#due = db.prepare<[], { at: number | null }>(
      "SELECT min(queued_at) AS at FROM jobs WHERE state = 'queued'",
    );
    this.#claim = db.prepare<[number, string]>(
      "UPDATE jobs SET state = 'running', started_at = ?, attempts = attempts + 1 WHERE digest = ? AND state = 'queued'",
    );
    this.#requeue = db.prepare<[number, string]>(
      "UPDATE jobs SET state = 'queued', queued_at = ? WHERE digest = ?",
    );
    this.#remove = db.prepare<[string]>('DELETE FROM jobs WHERE digest = ?');
    this.#state = db.prepare<[string], { state: 'queued' | 'running' }>(
      'SELECT state FROM jobs WHERE digest = ?',
    );
    this.#counts = db.prepare<[], { state: string; n: number }>(
      'SELECT state, count(*) AS n FROM jobs GROUP BY state',
    );
    // Anything "running" now was interrupted by a stop or a crash.
    db.prepare("UPDATE jobs SET state = 'queued' WHERE state = 'running'").run();
  }

  /** Queues a manifest; false when it is already queued or running. */
  enqueue(digest: string, repository: string, mediaType: string, now = Date.now()): boolean {
    return this.#insert.run(digest, repository, mediaType, now).changes > 0;
  }

  /** Takes the oldest job that is due and marks it running. */
  claim(now = Date.now()): ScanJob | undefined {
    const row = this.#next.get(now);
    if (!row || this.#claim.run(now, row.digest).changes === 0) return undefined;
    return {
      digest: row.digest,
      repository: row.repository,
      mediaType: row.media_type,
      attempts: row.attempts + 1,
      queuedAt: row.queued_at,
    };
  }

  /** Puts a running job back at the end of the queue (to retry later). */
  retry(digest: string, at: number): void {
    this.#requeue.run(at, digest);
  }

  /** When the next queued job is due (a retry waits), or undefined when none is queued. */
  nextDue(): number | undefined {
    return this.#due.get()?.at ?? undefined;
  }

  finish(digest: string): void {
    this.#remove.run(digest);
  }

  state(digest: string): 'queued' | 'running' | undefined {
    return this.#state.get(digest)?.state;
  }

  counts(): { queued: number; running: number } {
    const out = { queued: 0, running: 0 };
    for (const row of this.#counts.all())
      if (row.state === 'queued' || row.state === 'running') out[row.state] = row.n;
    return out;
  }
}
