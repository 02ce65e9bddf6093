import type { Logger } from 'pino';
import type { BlobStore, BlobUploads, RegistryMetadata } from '../../store/index.js';
import type { RegistryAccess } from './access.js';
import type { RegistryEvents } from './events.js';
import type { ManifestCache } from './manifest-cache.js';
import type { PullGate } from './pull-gate.js';

export interface RegistryLimits {
  /** Largest manifest accepted (the spec asks registries to take at least 4 MiB). */
  readonly maxManifestBytes: number;
  /** How long an idle upload session lives (each chunk restarts the clock). */
  readonly uploadTtlMs: number;
  /** How often the running server removes expired sessions and their partial files. */
  readonly uploadSweepMs: number;
}

/** Everything a handler needs, built once by the server's composition root. */
export interface RegistryContext {
  readonly blobs: BlobStore & { readonly uploads: BlobUploads };
  readonly metadata: RegistryMetadata;
  readonly cache: ManifestCache;
  readonly access: RegistryAccess;
  readonly events: RegistryEvents;
  readonly pullGate: PullGate | undefined;
  readonly limits: RegistryLimits;
  readonly logger: Logger;
}
