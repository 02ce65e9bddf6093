import { join } from 'node:path';
import type { Logger } from 'pino';
import { allCatalogers, catalogCache, catalogersFingerprint } from '../../catalog/index.js';
import { describeCause } from '../../errors/index.js';
import { isIndexMediaType } from '../../oci/index.js';
import {
  openKeyValueStore,
  type BlobStore,
  type KeyValueStore,
  type RegistryMetadata,
  type SqliteDatabase,
} from '../../store/index.js';
import { defaultVulnDbPath } from '../../vulndb/index.js';
import type { RegistryEvent, RegistryEvents } from '../registry/index.js';
import type { ScanningConfig } from './config.js';
import { FindingHistory } from './finding-history.js';
import { JobQueue } from './job-queue.js';
import { NO_POLICY, PolicyStore, toPolicy, type ScanPolicy } from './policy.js';
import { ScanPullGate } from './pull-gate.js';
import { classifyManifest } from './registry-image.js';
import { openScanDatabase } from './scan-database.js';
import { ScanStore } from './scan-store.js';
import { ScanWorker } from './scan-worker.js';
import { Scanner, type RescanReport, type ScanEvents } from './scanner.js';
import { VulnDbHandle } from './vuln-db-handle.js';
import { backfill } from './backfill.js';

export interface ScanningStatus {
  readonly enabled: boolean;
  readonly queue: { readonly queued: number; readonly running: number };
  readonly db: {
    readonly path: string;
    readonly builtAt: string | undefined;
    readonly sources: readonly string[];
  };
  readonly lastRescan: RescanReport | undefined;
  /** Blobs read from registry storage by the scanner since start (catalogs only; rescans read none). */
  readonly blobReads: number;
}

/**
 * Scan on push, continuous rescan and the pull gate, over one SQLite file
 * (`DATA_DIR/scanning/scanning.db`). Opened before the registry (the registry takes `gate`),
 * started once the registry's stores and events exist.
 */
export class ScanningService {
  readonly gate = new ScanPullGate();
  readonly store: ScanStore;
  readonly queue: JobQueue;
  readonly history: FindingHistory;
  readonly policies: PolicyStore;
  readonly db: VulnDbHandle;
  readonly config: ScanningConfig;
  readonly #sqlite: SqliteDatabase;
  readonly #logger: Logger;
  readonly #dataDir: string;
  #scanner: Scanner | undefined;
  #worker: ScanWorker | undefined;
  #cache: KeyValueStore | undefined;
  #poll: NodeJS.Timeout | undefined;
  #rescanning: Promise<void> | undefined;
  #lastRescan: RescanReport | undefined;
  #metadata: RegistryMetadata | undefined;
  #closed = false;

  constructor(options: { dataDir: string; config: ScanningConfig; logger: Logger }) {
    this.config = options.config;
    this.#logger = options.logger;
    this.#dataDir = options.dataDir;
    this.#sqlite = openScanDatabase(join(options.dataDir, 'scanning', 'scanning.db'));
    this.store = new ScanStore(this.#sqlite);
    this.queue = new JobQueue(this.#sqlite);
    this.history = new FindingHistory(this.#sqlite);
    this.policies = new PolicyStore(this.#sqlite);
    this.db = new VulnDbHandle(
      options.config.vulnDb ?? defaultVulnDbPath(options.dataDir),
      options.logger,
    );
    for (const scan of this.store.all()) {
      this.gate.setVerdict(
        scan.digest,
        scan.status === 'done'
          ? { status: 'done', worst: scan.worst }
          : scan.status === 'failed'
            ? { status: 'failed', error: scan.error ?? 'failed' }
            : { status: 'unsupported' },
      );
    }
    for (const [digest] of this.store.allIndexes())
      this.gate.setIndex(digest, this.store.indexChildren(digest));
    this.#applyPolicies();
  }

  get events(): ScanEvents | undefined {
    return this.#scanner?.events;
  }

  /** Starts the worker, the database watch and the subscription to registry pushes and deletes. */
  start(registry: {
    readonly blobs: BlobStore;
    readonly metadata: RegistryMetadata;
    readonly events: RegistryEvents;
  }): void {
    this.#metadata = registry.metadata;
    const catalogers = allCatalogers();
    this.#cache = openKeyValueStore(join(this.#dataDir, 'cache.db'));
    this.#scanner = new Scanner({
      blobs: registry.blobs,
      metadata: registry.metadata,
      store: this.store,
      history: this.history,
      gate: this.gate,
      db: this.db,
      catalogers,
      cache: catalogCache(this.#cache, catalogersFingerprint(catalogers)),
      logger: this.#logger,
      enqueue: (digest, repository, mediaType) => {
        this.enqueue(digest, repository, mediaType);
      },
    });
    this.#worker = new ScanWorker(this.queue, this.#scanner, {
      concurrency: this.config.concurrency,
      logger: this.#logger,
    });
    // checkDb never rejects: a failed rescan is logged and retried on the next change.
    void this.checkDb();
    this.#poll = setInterval(() => {
      void this.checkDb();
    }, this.config.dbPollMs);
    this.#poll.unref();
    if (!this.config.enabled) return;
    registry.events.on('event', (event) => {
      this.#onRegistryEvent(event);
    });
    this.#worker.kick();
    const enqueue = (digest: string, repository: string): void => {
      this.enqueue(digest, repository, undefined);
    };
    void backfill(registry.metadata, enqueue, () => this.#closed).catch((error: unknown) => {
      this.#logger.warn({ reason: describeCause(error) }, 'scan backfill stopped');
    });
  }

  /** Reopens the database when its file changed and re-matches every stored SBOM against it. */
  checkDb(force = false): Promise<void> {
    if (this.#rescanning) return this.#rescanning;
    const changed = this.db.refresh();
    const opened = this.db.current;
    if (!this.#scanner || !opened || (!changed && !force)) return Promise.resolve();
    const scanner = this.#scanner;
    this.#rescanning = scanner
      .rescanAll(opened)
      .then((report) => {
        this.#lastRescan = report;
        this.#logger.info(
          { ...report },
          'stored SBOMs matched against the new vulnerability database',
        );
      })
      .catch((error: unknown) => {
        this.#logger.error({ reason: describeCause(error) }, 'rescan failed');
      })
      .finally(() => {
        this.#rescanning = undefined;
      });
    return this.#rescanning;
  }

  /** Queues a manifest unless its result is already known; indexes are recorded, their images queued. */
  enqueue(digest: string, repository: string, mediaType: string | undefined): void {
    const known = this.store.get(digest);
    if (known && known.status !== 'failed') {
      this.store.addRepository(digest, repository);
      return;
    }
    if (this.queue.enqueue(digest, repository, mediaType ?? '')) this.#worker?.kick();
  }

  /** Queues a manifest again even when it has a result (`POST …/scan`). */
  requeue(digest: string, repository: string, mediaType: string): void {
    if (this.queue.enqueue(digest, repository, mediaType)) this.#worker?.kick();
  }

  #onRegistryEvent(event: RegistryEvent): void {
    if (event.target !== 'manifest' || event.digest === undefined) return;
    const digest = event.digest;
    if (event.action === 'delete') {
      this.store.removeRepository(digest, event.repository);
      return;
    }
    if (event.action !== 'push') return;
    if (!isIndexMediaType(event.mediaType)) {
      this.enqueue(digest, event.repository, event.mediaType);
      return;
    }
    void this.#recordIndex(event.repository, digest).catch((error: unknown) => {
      this.#logger.warn(
        { repository: event.repository, digest, reason: describeCause(error) },
        'index not recorded for scanning',
      );
    });
  }

  async #recordIndex(repository: string, digest: string): Promise<void> {
    const record = await this.#metadata?.getManifest(repository, digest);
    if (!record || !this.#scanner) return;
    const kind = classifyManifest(record.content, record.mediaType, `${repository}@${digest}`);
    if (kind.kind !== 'index') return;
    this.#scanner.recordIndex(digest, kind.children);
    this.store.addRepository(digest, repository);
    for (const child of kind.children)
      if (!isIndexMediaType(child.mediaType))
        this.enqueue(child.digest, repository, child.mediaType);
  }

  /** The policy in force for a project: the API's, else the config file's, else none. */
  policy(project: string): ScanPolicy & { readonly source: 'api' | 'config' | 'default' } {
    const stored = this.policies.list().find((entry) => entry.project === project);
    if (stored)
      return {
        blockSeverity: stored.blockSeverity,
        blockUnscanned: stored.blockUnscanned,
        source: 'api',
      };
    const configured = this.config.projects[project];
    if (configured) return { ...toPolicy(configured), source: 'config' };
    return { ...NO_POLICY, source: 'default' };
  }

  setPolicy(project: string, policy: ScanPolicy, actor: string): void {
    this.policies.set(project, policy, actor);
    this.#applyPolicies();
  }

  deletePolicy(project: string): boolean {
    const deleted = this.policies.delete(project);
    this.#applyPolicies();
    return deleted;
  }

  #applyPolicies(): void {
    const effective = new Map<string, ScanPolicy>();
    for (const [project, input] of Object.entries(this.config.projects))
      effective.set(project, toPolicy(input));
    for (const stored of this.policies.list()) effective.set(stored.project, stored);
    this.gate.setPolicies(effective);
  }

  status(): ScanningStatus {
    const opened = this.db.current;
    return {
      enabled: this.config.enabled,
      queue: this.queue.counts(),
      db: { path: this.db.path, builtAt: opened?.builtAt, sources: opened?.sources ?? [] },
      lastRescan: this.#lastRescan,
      blobReads: this.#scanner?.counter.blobReads ?? 0,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#poll !== undefined) clearInterval(this.#poll);
    await this.#worker?.close();
    await this.#rescanning;
    this.db.close();
    this.#cache?.close();
    this.#sqlite.close();
  }
}
