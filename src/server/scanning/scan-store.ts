import { gunzipSync, gzipSync, constants } from 'node:zlib';
import type { Catalog } from '../../catalog/index.js';
import type { Finding, LookupKey } from '../../match/index.js';
import type { SeverityCounts } from '../../report/index.js';
import type { SqliteDatabase } from '../../store/index.js';
import type { FindingBrief } from './verdict.js';

export type ScanStatus = 'done' | 'failed' | 'unsupported';

/** A stored result without its large parts (SBOM, findings), which are read on demand. */
export interface StoredScan {
  readonly digest: string;
  readonly status: ScanStatus;
  readonly mediaType: string;
  readonly error: string | undefined;
  readonly packages: number | undefined;
  readonly counts: SeverityCounts | undefined;
  readonly worst: FindingBrief | undefined;
  readonly scannedAt: number;
  readonly matchedAt: number | undefined;
  readonly dbBuiltAt: string | undefined;
  readonly hasSbom: boolean;
}

/** The outcome of matching an SBOM against one database build. */
export interface MatchOutcome {
  readonly findings: readonly Finding[];
  readonly findingsDigest: string;
  readonly counts: SeverityCounts;
  readonly worst: FindingBrief | undefined;
  readonly matchedAt: number;
  readonly dbBuiltAt: string;
}

interface ScanRow {
  digest: string;
  status: ScanStatus;
  media_type: string;
  error: string | null;
  packages: number | null;
  counts: string | null;
  worst: string | null;
  scanned_at: number;
  matched_at: number | null;
  db_built_at: string | null;
  has_sbom: number;
}

const SUMMARY_COLUMNS =
  'digest, status, media_type, error, packages, counts, worst, scanned_at, matched_at, db_built_at, catalog IS NOT NULL AS has_sbom';

function pack(value: unknown): Buffer {
  return gzipSync(JSON.stringify(value), { level: constants.Z_BEST_SPEED });
}

/** Our own JSON, written by `pack`: parsed back without a schema. */
function unpack(bytes: Buffer | null | undefined): unknown {
  return bytes ? (JSON.parse(gunzipSync(bytes).toString('utf8')) as unknown) : undefined;
}

function keysToBuffer(keys: Int32Array): Buffer {
  return Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);
}

function keysFromBuffer(bytes: Buffer): Int32Array {
  // Copy: a Buffer from SQLite may sit at an offset that is not 4-byte aligned.
  return new Int32Array(new Uint8Array(bytes).buffer);
}

function fromRow(row: ScanRow): StoredScan {
  return {
    digest: row.digest,
    status: row.status,
    mediaType: row.media_type,
    error: row.error ?? undefined,
    packages: row.packages ?? undefined,
    counts: row.counts ? (JSON.parse(row.counts) as SeverityCounts) : undefined,
    worst: row.worst ? (JSON.parse(row.worst) as FindingBrief) : undefined,
    scannedAt: row.scanned_at,
    matchedAt: row.matched_at ?? undefined,
    dbBuiltAt: row.db_built_at ?? undefined,
    hasSbom: row.has_sbom === 1,
  };
}

/** Scan results per manifest digest: status, SBOM, findings, and the shared package-key table. */
export class ScanStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  get(digest: string): StoredScan | undefined {
    const row = this.#db
      .prepare<[string], ScanRow>(`SELECT ${SUMMARY_COLUMNS} FROM scans WHERE digest = ?`)
      .get(digest);
    return row ? fromRow(row) : undefined;
  }

  all(): StoredScan[] {
    return this.#db.prepare<[], ScanRow>(`SELECT ${SUMMARY_COLUMNS} FROM scans`).all().map(fromRow);
  }

  catalog(digest: string): Catalog | undefined {
    return unpack(
      this.#db
        .prepare<[string], { catalog: Buffer | null }>('SELECT catalog FROM scans WHERE digest = ?')
        .get(digest)?.catalog,
    ) as Catalog | undefined;
  }

  findings(digest: string): Finding[] | undefined {
    return unpack(
      this.#db
        .prepare<[string], { findings: Buffer | null }>(
          'SELECT findings FROM scans WHERE digest = ?',
        )
        .get(digest)?.findings,
    ) as Finding[] | undefined;
  }

  /** Stores a freshly catalogued image; without `match` (no database yet) it is `failed` with `error`. */
  saveScanned(input: {
    digest: string;
    mediaType: string;
    catalog: Catalog;
    keys: Int32Array;
    scannedAt: number;
    match: MatchOutcome | undefined;
    error?: string;
  }): void {
    const m = input.match;
    this.#db
      .prepare(
        `INSERT OR REPLACE INTO scans (digest, status, media_type, error, catalog, keys, findings, findings_digest, counts, worst, packages, scanned_at, matched_at, db_built_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.digest,
        m ? 'done' : 'failed',
        input.mediaType,
        m ? null : (input.error ?? 'not matched'),
        pack(input.catalog),
        keysToBuffer(input.keys),
        m ? pack(m.findings) : null,
        m?.findingsDigest ?? null,
        m ? JSON.stringify(m.counts) : null,
        m?.worst ? JSON.stringify(m.worst) : null,
        input.catalog.packages.length,
        input.scannedAt,
        m?.matchedAt ?? null,
        m?.dbBuiltAt ?? null,
      );
  }

  /** Replaces the findings of a stored SBOM (a rescan); the SBOM itself is untouched. */
  saveMatch(digest: string, match: MatchOutcome): void {
    this.#db
      .prepare(
        `UPDATE scans SET status = 'done', error = NULL, findings = ?, findings_digest = ?, counts = ?, worst = ?, matched_at = ?, db_built_at = ?
         WHERE digest = ? AND catalog IS NOT NULL`,
      )
      .run(
        pack(match.findings),
        match.findingsDigest,
        JSON.stringify(match.counts),
        match.worst ? JSON.stringify(match.worst) : null,
        match.matchedAt,
        match.dbBuiltAt,
        digest,
      );
  }

  /** Records that stored findings still hold for a newer database build. */
  confirmMatched(digests: readonly string[], at: number, dbBuiltAt: string): void {
    const statement = this.#db.prepare<[number, string, string]>(
      'UPDATE scans SET matched_at = ?, db_built_at = ? WHERE digest = ?',
    );
    this.#db.transaction(() => {
      for (const digest of digests) statement.run(at, dbBuiltAt, digest);
    })();
  }

  saveOutcome(
    digest: string,
    mediaType: string,
    status: 'failed' | 'unsupported',
    error: string,
    at: number,
  ): void {
    this.#db
      .prepare(
        `INSERT INTO scans (digest, status, media_type, error, scanned_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(digest) DO UPDATE SET status = excluded.status, error = excluded.error, scanned_at = excluded.scanned_at`,
      )
      .run(digest, status, mediaType, error, at);
  }

  /** Stored SBOMs in digest order after `after`, as the rescan reads them: integer keys only. */
  sbomPage(
    after: string,
    limit: number,
  ): { digest: string; keys: Int32Array; findingsDigest: string | undefined }[] {
    return this.#db
      .prepare<[string, number], { digest: string; keys: Buffer; findings_digest: string | null }>(
        'SELECT digest, keys, findings_digest FROM scans WHERE keys IS NOT NULL AND digest > ? ORDER BY digest LIMIT ?',
      )
      .all(after, limit)
      .map((row) => ({
        digest: row.digest,
        keys: keysFromBuffer(row.keys),
        findingsDigest: row.findings_digest ?? undefined,
      }));
  }

  addRepository(digest: string, repository: string): void {
    this.#db
      .prepare('INSERT OR IGNORE INTO scan_repositories (digest, repository) VALUES (?, ?)')
      .run(digest, repository);
  }

  removeRepository(digest: string, repository: string): void {
    this.#db
      .prepare('DELETE FROM scan_repositories WHERE digest = ? AND repository = ?')
      .run(digest, repository);
  }

  repositories(digest: string): string[] {
    return this.#db
      .prepare<[string], { repository: string }>(
        'SELECT repository FROM scan_repositories WHERE digest = ? ORDER BY repository',
      )
      .all(digest)
      .map((r) => r.repository);
  }

  setIndex(
    indexDigest: string,
    children: readonly { digest: string; platform: string | undefined }[],
  ): void {
    const insert = this.#db.prepare(
      'INSERT OR REPLACE INTO index_children (index_digest, position, child_digest, platform) VALUES (?, ?, ?, ?)',
    );
    this.#db.transaction(() => {
      children.forEach((child, position) =>
        insert.run(indexDigest, position, child.digest, child.platform ?? null),
      );
    })();
  }

  indexChildren(indexDigest: string): { digest: string; platform: string | undefined }[] {
    return this.#db
      .prepare<[string], { child_digest: string; platform: string | null }>(
        'SELECT child_digest, platform FROM index_children WHERE index_digest = ? ORDER BY position',
      )
      .all(indexDigest)
      .map((row) => ({ digest: row.child_digest, platform: row.platform ?? undefined }));
  }

  allIndexes(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const row of this.#db
      .prepare<[], { index_digest: string; child_digest: string }>(
        'SELECT index_digest, child_digest FROM index_children ORDER BY index_digest, position',
      )
      .all()) {
      const list = out.get(row.index_digest) ?? [];
      list.push(row.child_digest);
      out.set(row.index_digest, list);
    }
    return out;
  }

  loadKeys(): LookupKey[] {
    return this.#db
      .prepare<[], { ecosystem: string; name: string; version: string; distro: number }>(
        'SELECT ecosystem, name, version, distro FROM package_keys ORDER BY id',
      )
      .all()
      .map((row) => ({
        ecosystem: row.ecosystem,
        name: row.name,
        version: row.version,
        distro: row.distro === 1,
      }));
  }

  /** Persists keys interned since the table had `from` entries (ids are table indexes). */
  saveKeys(from: number, keys: readonly LookupKey[]): void {
    const insert = this.#db.prepare(
      'INSERT INTO package_keys (id, ecosystem, name, version, distro) VALUES (?, ?, ?, ?, ?)',
    );
    this.#db.transaction(() => {
      for (let id = from; id < keys.length; id += 1) {
        const key = keys[id];
        if (key) insert.run(id, key.ecosystem, key.name, key.version, key.distro ? 1 : 0);
      }
    })();
  }
}
