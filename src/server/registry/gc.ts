import type { Logger } from 'pino';
import { openRegistryStores } from './registry-service.js';

export interface GcOptions {
  /** Report what would go, delete nothing. */
  readonly dryRun: boolean;
  /** Blobs, manifests, links and temp files younger than this are kept: a push in progress finishes safely. */
  readonly gracePeriodMs: number;
  readonly now?: number;
  readonly logger: Logger;
}

export interface GcReport {
  readonly dryRun: boolean;
  readonly manifestsDeleted: number;
  readonly blobsDeleted: number;
  readonly bytesFreed: number;
  readonly uploadsDeleted: number;
  readonly tempFilesDeleted: number;
}

/**
 * Mark and sweep over a registry's data: untagged manifests nothing points at (no tag, no index,
 * no live subject) go first, repeatedly, since removing an index orphans its children; then blobs
 * no manifest references; then expired uploads and crash leftovers. Every delete re-checks its
 * condition in a write transaction and honours the grace period, so it is safe while the server
 * keeps accepting pushes. A dry run plans the same sweep in a rolled-back transaction, so its
 * counts match what a real run at that moment would delete.
 */
export async function collectGarbage(root: string, options: GcOptions): Promise<GcReport> {
  const now = options.now ?? Date.now();
  const cutoff = now - options.gracePeriodMs;
  const { blobs, metadata } = await openRegistryStores(root);
  try {
    let manifestsDeleted = 0;
    const plan = options.dryRun ? await metadata.planManifestSweep(cutoff) : undefined;
    if (plan) manifestsDeleted = plan.manifests;
    while (!plan) {
      const candidates = await metadata.unreachableManifests(cutoff);
      let swept = 0;
      for (const { repository, digest } of candidates) {
        if (await metadata.sweepManifest(repository, digest, cutoff)) {
          swept += 1;
          options.logger.info({ repository, digest }, 'gc deleted manifest');
        }
      }
      manifestsDeleted += swept;
      if (swept === 0) break;
    }

    const referenced = plan ? plan.referencedBlobs : await metadata.referencedBlobs();
    let blobsDeleted = 0;
    let bytesFreed = 0;
    for await (const blob of blobs.list()) {
      if (referenced.has(blob.digest) || blob.modifiedAt >= cutoff) continue;
      if (options.dryRun) {
        blobsDeleted += 1;
        bytesFreed += blob.size;
        continue;
      }
      if (!(await metadata.sweepBlobLinks(blob.digest, cutoff))) continue;
      if (await blobs.delete(blob.digest, { writtenBefore: cutoff })) {
        blobsDeleted += 1;
        bytesFreed += blob.size;
        options.logger.info({ digest: blob.digest, size: blob.size }, 'gc deleted blob');
      }
    }

    let uploadsDeleted = 0;
    const sessions = new Set<string>();
    for (const session of await metadata.listUploads()) {
      sessions.add(session.id);
      if (session.expiresAt >= now) continue;
      uploadsDeleted += 1;
      if (!options.dryRun) {
        await blobs.uploads.abort(session.id);
        await metadata.deleteUpload(session.id);
      }
    }
    for await (const upload of blobs.uploads.list()) {
      // An upload file without a session: the server died between creating one and the other.
      if (sessions.has(upload.id) || upload.modifiedAt >= cutoff) continue;
      uploadsDeleted += 1;
      if (!options.dryRun) await blobs.uploads.abort(upload.id);
    }
    const tempFilesDeleted = options.dryRun ? 0 : await blobs.removeStaleTemp(cutoff);
    return {
      dryRun: options.dryRun,
      manifestsDeleted,
      blobsDeleted,
      bytesFreed,
      uploadsDeleted,
      tempFilesDeleted,
    };
  } finally {
    metadata.close();
  }
}
