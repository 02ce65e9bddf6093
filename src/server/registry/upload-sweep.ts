import type { Logger } from 'pino';
import { describeCause } from '../../errors/index.js';
import type { BlobUploads, RegistryMetadata } from '../../store/index.js';

/**
 * How often the running server looks for idle upload sessions when the config does not say:
 * a 24th of the session lifetime, between 1 s and 1 h (hourly for the 24 h default). A session
 * is therefore removed at most ~4% of its lifetime after it expired.
 */
export function defaultSweepInterval(uploadTtlMs: number): number {
  return Math.min(60 * 60 * 1000, Math.max(1000, Math.floor(uploadTtlMs / 24)));
}

/**
 * Removes every upload session idle past its expiry: the row first (only if it is still expired
 * in that same statement, so a PATCH that just touched it keeps it), then its partial file.
 * Returns how many went. A crash between the two leaves an orphan file that `registry gc`
 * removes.
 */
export async function sweepExpiredUploads(
  metadata: RegistryMetadata,
  uploads: BlobUploads,
  now: number,
): Promise<number> {
  let removed = 0;
  for (const session of await metadata.expiredUploads(now)) {
    if (!(await metadata.deleteExpiredUpload(session.id, now))) continue;
    await uploads.abort(session.id);
    removed += 1;
  }
  return removed;
}

/** Runs the sweep every `intervalMs` until the returned stop function is called. */
export function startUploadSweep(
  metadata: RegistryMetadata,
  uploads: BlobUploads,
  intervalMs: number,
  logger: Logger,
): () => void {
  let stopped = false;
  let running: Promise<void> | undefined;
  const tick = (): void => {
    // One sweep at a time: a slow disk must not pile sweeps up.
    if (stopped || running) return;
    running = sweepExpiredUploads(metadata, uploads, Date.now())
      .then((removed) => {
        if (removed > 0) logger.info({ removed }, 'expired upload sessions removed');
      })
      .catch((error: unknown) => {
        if (!stopped)
          logger.warn({ reason: describeCause(error) }, 'upload session sweep failed; will retry');
      })
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
