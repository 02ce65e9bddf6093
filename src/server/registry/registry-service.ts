import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import {
  openFsBlobStore,
  openSqliteRegistryMetadata,
  type FsBlobStore,
  type RegistryMetadata,
  type SqliteRegistryMetadata,
} from '../../store/index.js';
import { allowAllAccess, type RegistryAccess } from './access.js';
import type { RegistryContext, RegistryLimits } from './context.js';
import { RegistryEvents } from './events.js';
import { servePull } from './fast-path.js';
import { ManifestCache } from './manifest-cache.js';
import type { PullGate } from './pull-gate.js';
import { registerRegistryRoutes } from './registry-routes.js';
import { defaultSweepInterval, startUploadSweep } from './upload-sweep.js';

export interface RegistryOptions {
  /** The registry's own folder inside the data directory. */
  readonly root: string;
  readonly logger: Logger;
  readonly access?: RegistryAccess;
  /** Refuses manifest pulls by policy (scan results); none by default. */
  readonly pullGate?: PullGate;
  /** Wraps the metadata store the handlers use (identity enforces immutable tags this way); gc uses the bare one. */
  readonly guardMetadata?: (metadata: RegistryMetadata) => RegistryMetadata;
  readonly limits?: Partial<RegistryLimits>;
  /** Bytes of manifests kept in memory. */
  readonly cacheBytes?: number;
}

export interface Registry {
  readonly context: RegistryContext;
  readonly events: RegistryEvents;
  register(app: FastifyInstance): void;
  /** Answers manifest and blob pulls before the framework sees them; calls `next` for everything else. */
  fastPath(request: IncomingMessage, response: ServerResponse, next: () => void): void;
  close(): void;
}

export const DEFAULT_LIMITS: RegistryLimits = {
  maxManifestBytes: 4 * 1024 * 1024,
  uploadTtlMs: 24 * 60 * 60 * 1000,
  uploadSweepMs: defaultSweepInterval(24 * 60 * 60 * 1000),
};

function limitsOf(options: Partial<RegistryLimits> | undefined): RegistryLimits {
  const uploadTtlMs = options?.uploadTtlMs ?? DEFAULT_LIMITS.uploadTtlMs;
  return {
    maxManifestBytes: options?.maxManifestBytes ?? DEFAULT_LIMITS.maxManifestBytes,
    uploadTtlMs,
    uploadSweepMs: options?.uploadSweepMs ?? defaultSweepInterval(uploadTtlMs),
  };
}

/** Where the registry keeps its data under `root`; gc opens the same paths. */
export function registryPaths(root: string): { blobs: string; database: string } {
  return { blobs: join(root, 'storage'), database: join(root, 'registry.db') };
}

export async function openRegistryStores(
  root: string,
): Promise<{ blobs: FsBlobStore; metadata: SqliteRegistryMetadata }> {
  const paths = registryPaths(root);
  const blobs = await openFsBlobStore(paths.blobs);
  const metadata = openSqliteRegistryMetadata(paths.database);
  return { blobs, metadata };
}

// How often the server looks for commits by other processes (gc, other workers) to drop cached
// manifests. Checking a counter in memory is cheap; doing it per request would not be.
const CHANGE_POLL_MS = 200;

/** Builds the registry service: stores, cache, events and the access hook, ready to mount. */
export async function createRegistry(options: RegistryOptions): Promise<Registry> {
  const { blobs, metadata } = await openRegistryStores(options.root);
  const cache = new ManifestCache(options.cacheBytes ?? 64 * 1024 * 1024);
  const events = new RegistryEvents();
  const context: RegistryContext = {
    blobs,
    metadata: options.guardMetadata ? options.guardMetadata(metadata) : metadata,
    cache,
    events,
    pullGate: options.pullGate,
    access: options.access ?? allowAllAccess,
    limits: limitsOf(options.limits),
    logger: options.logger,
  };
  let seen = metadata.externalChanges();
  const poll = setInterval(() => {
    const now = metadata.externalChanges();
    if (now !== seen) {
      seen = now;
      cache.clear();
    }
  }, CHANGE_POLL_MS);
  poll.unref();
  // Idle sessions go while the server runs, not only when touched or at `registry gc`. The bare
  // store is used: the sweep changes no tag.
  const stopSweep = startUploadSweep(
    metadata,
    blobs.uploads,
    context.limits.uploadSweepMs,
    options.logger,
  );
  return {
    context,
    events,
    register: (app) => {
      registerRegistryRoutes(app, context);
    },
    fastPath: (request, response, next) => {
      servePull(context, request, response, next);
    },
    close: () => {
      clearInterval(poll);
      stopSweep();
      metadata.close();
    },
  };
}
