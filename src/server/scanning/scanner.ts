import { EventEmitter } from 'node:events';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  buildCatalog,
  type Catalog,
  type CatalogCache,
  type Cataloger,
} from '../../catalog/index.js';
import { describeCause } from '../../errors/index.js';
import { PackageKeyTable, rescan, toMatchInput } from '../../match/index.js';
import type { SeverityCounts } from '../../report/index.js';
import type { BlobStore, RegistryMetadata } from '../../store/index.js';
import type { ChangeTrigger, FindingHistory } from './finding-history.js';
import type { ScanPullGate, Verdict } from './pull-gate.js';
import { classifyManifest, openStoredImage, type BlobReadCounter } from './registry-image.js';
import type { MatchOutcome, ScanStatus, ScanStore } from './scan-store.js';
import { countFindings, worstFinding, type FindingBrief } from './verdict.js';
import type { OpenedDb, VulnDbHandle } from './vuln-db-handle.js';
import type { ScanJob } from './job-queue.js';

/** A scan finished (after a push) or its findings changed (after a database update). */
export interface ScanCompleted {
  readonly digest: string;
  readonly repositories: readonly string[];
  readonly status: ScanStatus;
  readonly trigger: ChangeTrigger;
  readonly counts: SeverityCounts | undefined;
  readonly worst: FindingBrief | undefined;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly error: string | undefined;
}

export class ScanEvents extends EventEmitter<{ completed: [ScanCompleted] }> {}

export interface RescanReport {
  readonly at: string;
  readonly dbBuiltAt: string;
  /** Stored SBOMs matched again. */
  readonly checked: number;
  /** Of those, how many now have different findings. */
  readonly changed: number;
  readonly durationMs: number;
}

export interface ScannerDeps {
  readonly blobs: BlobStore;
  readonly metadata: RegistryMetadata;
  readonly store: ScanStore;
  readonly history: FindingHistory;
  readonly gate: ScanPullGate;
  readonly db: VulnDbHandle;
  readonly catalogers: readonly Cataloger[];
  readonly cache: CatalogCache | undefined;
  readonly logger: Logger;
  /** Queues the images of an index found in the queue (the backfill queues indexes by tag). */
  readonly enqueue: (digest: string, repository: string, mediaType: string) => void;
}

const RESCAN_PAGE = 500;
const REMATCH_BATCH = 25;

/**
 * Scans one image straight from registry storage (catalog, then match), and re-matches stored
 * SBOMs when the database changes. Results, history and the gate's verdicts are updated together.
 */
export class Scanner {
  readonly events = new ScanEvents();
  readonly counter: BlobReadCounter = { blobReads: 0 };
  readonly table: PackageKeyTable;
  readonly #deps: ScannerDeps;

  constructor(deps: ScannerDeps) {
    this.#deps = deps;
    this.table = PackageKeyTable.from(deps.store.loadKeys());
  }

  /** Scans one queued manifest. Throws only for failures worth a retry (storage, not the image). */
  async scan(job: ScanJob): Promise<void> {
    const { metadata, store, blobs } = this.#deps;
    const record = await metadata.getManifest(job.repository, job.digest);
    if (!record) {
      this.#deps.logger.info(
        { repository: job.repository, digest: job.digest },
        'manifest deleted before its scan',
      );
      return;
    }
    store.addRepository(job.digest, job.repository);
    const kind = classifyManifest(
      record.content,
      record.mediaType,
      `${job.repository}@${job.digest}`,
    );
    if (kind.kind === 'index') {
      this.recordIndex(job.digest, kind.children);
      for (const child of kind.children)
        this.#deps.enqueue(child.digest, job.repository, child.mediaType);
      return;
    }
    const at = Date.now();
    if (kind.kind === 'artifact') {
      store.saveOutcome(
        job.digest,
        record.mediaType,
        'unsupported',
        `not a container image: ${kind.reason}`,
        at,
      );
      this.#finish(job.digest, { status: 'unsupported' }, 'scan', undefined, [], [], undefined);
      return;
    }
    const image = await openStoredImage(
      blobs,
      job.repository,
      { digest: job.digest, mediaType: record.mediaType, content: record.content },
      this.counter,
    );
    const catalog = await buildCatalog(image, {
      catalogers: this.#deps.catalogers,
      cache: this.#deps.cache,
    });
    const before = this.table.keys.length;
    const keys = this.table.encode(toMatchInput(catalog));
    store.saveKeys(before, this.table.keys);
    const opened = this.#deps.db.current;
    const match = opened ? this.#match(opened, job.digest, keys, catalog) : undefined;
    const noDb = `no vulnerability database at ${this.#deps.db.path}: the SBOM is stored and will be matched when 'lockyard db update' or 'lockyard db build' writes one`;
    store.saveScanned({
      digest: job.digest,
      mediaType: record.mediaType,
      catalog,
      keys,
      scannedAt: at,
      match,
      ...(match ? {} : { error: noDb }),
    });
    if (!match) {
      this.#finish(job.digest, { status: 'failed', error: noDb }, 'scan', undefined, [], [], noDb);
      return;
    }
    const change = this.#deps.history.record(
      job.digest,
      match.findings,
      at,
      'scan',
      match.dbBuiltAt,
    );
    this.#finish(
      job.digest,
      { status: 'done', worst: match.worst },
      'scan',
      match.counts,
      change.added,
      change.removed,
      undefined,
    );
    // A newer database may have arrived while the layers were read: match against it too.
    const now = this.#deps.db.current;
    if (opened && now && now.stamp !== opened.stamp) this.#rematch(now, job.digest, keys, 'rescan');
  }

  /** Records a failed scan (a bad image, or retries used up). */
  fail(job: ScanJob, error: unknown): void {
    const message = describeCause(error);
    this.#deps.store.saveOutcome(job.digest, job.mediaType, 'failed', message, Date.now());
    this.#deps.store.addRepository(job.digest, job.repository);
    this.#finish(
      job.digest,
      { status: 'failed', error: message },
      'scan',
      undefined,
      [],
      [],
      message,
    );
  }

  recordIndex(
    digest: string,
    children: readonly { digest: string; platform: string | undefined }[],
  ): void {
    this.#deps.store.setIndex(digest, children);
    this.#deps.gate.setIndex(digest, children);
  }

  /**
   * Matches every stored SBOM against `opened` through the shared key table (src/match/rescan.ts):
   * no image is read. Only SBOMs whose findings changed are matched in full and rewritten.
   */
  async rescanAll(opened: OpenedDb): Promise<RescanReport> {
    const started = Date.now();
    let after = '';
    let checked = 0;
    let changed = 0;
    for (;;) {
      const page = this.#deps.store.sbomPage(after, RESCAN_PAGE);
      const last = page.at(-1);
      if (!last) break;
      after = last.digest;
      const results = rescan(
        opened.matcher,
        this.table,
        page.map((sbom) => ({ id: sbom.digest, keys: sbom.keys })),
      );
      const same: string[] = [];
      for (const [i, result] of results.entries()) {
        const sbom = page[i];
        if (!sbom) continue;
        if (result.digest === sbom.findingsDigest) {
          same.push(sbom.digest);
          continue;
        }
        changed += 1;
        this.#rematch(opened, sbom.digest, sbom.keys, 'rescan');
        // A full re-match reads and rewrites one SBOM (about a millisecond): let requests in between.
        if (changed % REMATCH_BATCH === 0) await yieldToLoop();
      }
      this.#deps.store.confirmMatched(same, Date.now(), opened.builtAt);
      checked += page.length;
      // Keep the registry answering between pages.
      await yieldToLoop();
    }
    return {
      at: new Date(started).toISOString(),
      dbBuiltAt: opened.builtAt,
      checked,
      changed,
      durationMs: Date.now() - started,
    };
  }

  #match(opened: OpenedDb, digest: string, keys: Int32Array, catalog: Catalog): MatchOutcome {
    const findings = opened.matcher.match(catalog).findings;
    const [summary] = rescan(opened.matcher, this.table, [{ id: digest, keys }]);
    return {
      findings,
      findingsDigest: summary?.digest ?? '',
      counts: countFindings(findings),
      worst: worstFinding(findings),
      matchedAt: Date.now(),
      dbBuiltAt: opened.builtAt,
    };
  }

  #rematch(opened: OpenedDb, digest: string, keys: Int32Array, trigger: ChangeTrigger): void {
    const catalog = this.#deps.store.catalog(digest);
    if (!catalog) return;
    const match = this.#match(opened, digest, keys, catalog);
    this.#deps.store.saveMatch(digest, match);
    const change = this.#deps.history.record(
      digest,
      match.findings,
      match.matchedAt,
      trigger,
      match.dbBuiltAt,
    );
    this.#finish(
      digest,
      { status: 'done', worst: match.worst },
      trigger,
      match.counts,
      change.added,
      change.removed,
      undefined,
    );
  }

  #finish(
    digest: string,
    verdict: Verdict,
    trigger: ChangeTrigger,
    counts: SeverityCounts | undefined,
    added: readonly string[],
    removed: readonly string[],
    error: string | undefined,
  ): void {
    this.#deps.gate.setVerdict(digest, verdict);
    this.events.emit('completed', {
      digest,
      repositories: this.#deps.store.repositories(digest),
      status: verdict.status,
      trigger,
      counts,
      worst: verdict.status === 'done' ? verdict.worst : undefined,
      added,
      removed,
      error,
    });
  }
}
