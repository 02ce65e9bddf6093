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
    try {
      await this.#attempt(job);
    } catch (error) {
      // Only when recording the outcome failed too (the database closed at shutdown): the job
      // row stays, and the next start scans the image again.
      this.#options.logger.error(
        { repository: job.repository, digest: job.digest, reason: describeCause(error) },
        'scan outcome not recorded',
      );
    }
  }

  async #attempt(job: ScanJob): Promise<void> {
    const started = Date.now();
    try {
      await this.#scanner.scan(job);
    } catch (error) {
      if (this.#stopped) return;
      const maxAttempts = this.#options.maxAttempts ?? 3;
      if (!isLockyardError(error) && job.attempts < maxAttempts) {
        this.#options.logger.warn(
          {
            repository: job.repository,
            digest: job.digest,
            attempt: job.attempts,
            reason: describeCause(error),
          },
          'scan failed, will retry',
        );
        this.#queue.retry(job.digest, Date.now() + 1000 * 2 ** job.attempts);
        return;
      }
      this.#options.logger.warn(
        { repository: job.repository, digest: job.digest, reason: describeCause(error) },
        'scan failed',
      );
      this.#scanner.fail(job, error);
      this.#queue.finish(job.digest);
      return;
    }
    this.#queue.finish(job.digest);
    this.#options.logger.info(
      { repository: job.repository, digest: job.digest, ms: Date.now() - started },
      'image scanned',
    );
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

  /**
   * Stops starting jobs and waits up to `graceMs` for the running ones. A scan cut short keeps
   * its queue row and runs again at the next start.
   */
  async close(graceMs = 5000): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled([...this.#running]), grace]);
    clearTimeout(timer);
  }
}
