import type { Logger } from 'pino';
import { describeCause, isLockyardError } from '../../errors/index.js';
import type { JobQueue, ScanJob } from './job-queue.js';
import type { Scanner } from './scanner.js';

export interface ScanWorkerOptions {
  /** Images scanned at the same time. */
  readonly concurrency: number;
  /** Attempts for failures that are not the image's fault (storage errors); default 3. */
  readonly maxAttempts?: number;
  readonly logger: Logger;
}

/**
 * Runs queued scans in this process, at most `concurrency` at a time. A bad image (any typed
 * Lockyard error: a corrupt layer, a missing blob) fails at once with its message; anything else
 * is retried with a growing delay, then recorded as failed.
 */
export class ScanWorker {
  readonly #queue: JobQueue;
  readonly #scanner: Scanner;
  readonly #options: ScanWorkerOptions;
  readonly #running = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(queue: JobQueue, scanner: Scanner, options: ScanWorkerOptions) {
    this.#queue = queue;
    this.#scanner = scanner;
    this.#options = options;
  }

  /** Starts queued jobs up to the concurrency limit; call after each enqueue. */
  kick(): void {
    if (this.#stopped) return;
    while (this.#running.size < this.#options.concurrency) {
      const job = this.#queue.claim();
      if (!job) break;
      const run = this.#run(job).finally(() => {
        this.#running.delete(run);
        this.kick();
      });
      this.#running.add(run);
    }
    this.#wakeForRetries();
  }

  get active(): number {
    return this.#running.size;
  }

  async #run(job: ScanJob): Promise<void> {
    const started = Date.now();
    try {
      await this.#scanner.scan(job);
      this.#queue.finish(job.digest);
      this.#options.logger.info(
        { repository: job.repository, digest: job.digest, ms: Date.now() - started },
        'image scanned',
      );
    } catch (error) {
      const maxAttempts = this.#options.maxAttempts ?? 3;
      if (!isLockyardError(error) && job.attempts < maxAttempts && !this.#stopped) {
        const delay = 1000 * 2 ** job.attempts;
        this.#options.logger.warn(
          {
            repository: job.repository,
            digest: job.digest,
            attempt: job.attempts,
            reason: describeCause(error),
          },
          'scan failed, will retry',
        );
        this.#queue.retry(job.digest, Date.now() + delay);
        return;
      }
      this.#options.logger.warn(
        { repository: job.repository, digest: job.digest, reason: describeCause(error) },
        'scan failed',
      );
      try {
        this.#scanner.fail(job, error);
      } finally {
        this.#queue.finish(job.digest);
      }
    }
  }

  #wakeForRetries(): void {
    if (this.#timer !== undefined || this.#running.size >= this.#options.concurrency) return;
    const due = this.#queue.nextDue();
    if (due === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.kick();
      },
      Math.max(10, due - Date.now()),
    );
    this.#timer.unref();
  }

  /** Stops starting jobs and waits for the running ones (their rows stay queued if cut short). */
  async close(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await Promise.allSettled([...this.#running]);
  }
}
