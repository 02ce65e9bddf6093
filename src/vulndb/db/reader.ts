import { existsSync, statSync } from 'node:fs';
import { describeCause } from '../../errors/index.js';
import { openSqlite, type SqliteDatabase } from '../../store/index.js';
import { VulnDbError } from '../errors.js';
import type { AffectedRecord, StoredAdvisory } from '../model.js';
import { canonicalEcosystem, packageKey } from '../normalize.js';
import { decodeAffectedData } from './affected-codec.js';
import { CorruptRowError, decodeAdvisoryDoc } from './codec.js';
import { META, SCHEMA_VERSION } from './schema.js';

export interface SourceStatus {
  readonly kind: string;
  /** The path or feed URL it was built from. */
  readonly input: string;
  readonly records: number;
  readonly affected: number;
  readonly skipped: number;
  readonly superseded: number;
  readonly newest: string | undefined;
  readonly importedAt: string;
  readonly durationMs: number;
}

export interface VulnDbStatus {
  readonly path: string;
  readonly bytes: number;
  readonly schemaVersion: number;
  readonly builtAt: string;
  readonly builder: string;
  /** Distinct advisories and affected rows in the file. */
  readonly advisories: number;
  readonly affected: number;
  /** The newest record date of any source. */
  readonly newest: string | undefined;
  readonly sources: readonly SourceStatus[];
  readonly ecosystems: readonly { readonly ecosystem: string; readonly affected: number }[];
}

/** The read side the matcher uses. Lookups are memoized: re-matching many SBOMs repeats them. */
export interface VulnDb {
  readonly path: string;
  status(): VulnDbStatus;
  /** Every affected entry for one package: one indexed range scan, then served from memory. */
  lookup(ecosystem: string, name: string): readonly AffectedRecord[];
  /** Advisories whose id or alias is `id` (CVE-2021-44228 -> GHSA-jfh8-..., the Debian CVE, ...). */
  advisories(id: string): readonly StoredAdvisory[];
  /** Loads every entry of an ecosystem (or all) into memory at once, for bulk re-matching. */
  preload(ecosystem?: string): void;
  /**
   * Whether any advisory names a package of this ecosystem (`Alpine:v3.10`, `npm`): without one,
   * "no findings" means "not checked", which the matcher must say.
   */
  covers(ecosystem: string): boolean;
  close(): void;
}

interface AffectedRow {
  ecosystem: string;
  package: string;
  advisory: number;
  status: string;
  data: string;
}

function corrupt(path: string, error: unknown): VulnDbError {
  return new VulnDbError(
    'DB_INVALID',
    `vulnerability database ${path} is damaged: ${describeCause(error)}; rebuild it with 'lockyard db build' or 'lockyard db update'`,
    {
      cause: error,
      details: { path },
    },
  );
}

function openChecked(path: string): SqliteDatabase {
  if (!existsSync(path)) {
    throw new VulnDbError(
      'DB_NOT_FOUND',
      `no vulnerability database at ${path}: run 'lockyard db update' or 'lockyard db build'`,
      { details: { path } },
    );
  }
  let db: SqliteDatabase;
  try {
    db = openSqlite(path, { readonly: true });
  } catch (error) {
    throw corrupt(path, error);
  }
  let version: string | undefined;
  try {
    version = db
      .prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?')
      .get(META.schemaVersion)?.value;
  } catch (error) {
    db.close();
    throw new VulnDbError(
      'DB_INVALID',
      `${path} is not a Lockyard vulnerability database (${describeCause(error)})`,
      { cause: error, details: { path } },
    );
  }
  if (version !== String(SCHEMA_VERSION)) {
    db.close();
    throw new VulnDbError(
      'SCHEMA_MISMATCH',
      `vulnerability database ${path} has schema ${version ?? 'none'} but this Lockyard reads schema ${SCHEMA_VERSION}: rebuild it with 'lockyard db build' or 'lockyard db update'`,
      { details: { path, found: version ?? 'none', expected: SCHEMA_VERSION } },
    );
  }
  return db;
}

/** Opens a database built by `buildVulnDb` read-only, after checking its schema version. */
export function openVulnDb(path: string): VulnDb {
  const db = openChecked(path);
  const byPackage = db.prepare<[string, string], AffectedRow>(
    'SELECT ecosystem, package, advisory, status, data FROM affected WHERE ecosystem = ? AND package = ? ORDER BY advisory, seq',
  );
  const byEcosystem = db.prepare<[string], AffectedRow>(
    'SELECT ecosystem, package, advisory, status, data FROM affected WHERE ecosystem = ? ORDER BY package, advisory, seq',
  );
  const allRows = db.prepare<[], AffectedRow>(
    'SELECT ecosystem, package, advisory, status, data FROM affected ORDER BY ecosystem, package, advisory, seq',
  );
  const advisoryById = db.prepare<[number], { source: string; doc: string }>(
    'SELECT source, doc FROM advisories WHERE id = ?',
  );
  const advisoriesByAlias = db.prepare<[string], { id: number }>(
    'SELECT advisory AS id FROM aliases WHERE alias = ? ORDER BY advisory',
  );
  const anyOfEcosystem = db.prepare<[string], { one: number }>(
    'SELECT 1 AS one FROM affected WHERE ecosystem = ? LIMIT 1',
  );

  const advisoryCache = new Map<number, StoredAdvisory>();
  const lookupCache = new Map<string, readonly AffectedRecord[]>();
  const preloaded = new Set<string>();
  const coverage = new Map<string, boolean>();
  let everything = false;

  function advisory(id: number): StoredAdvisory {
    let found = advisoryCache.get(id);
    if (found === undefined) {
      const row = advisoryById.get(id);
      if (row === undefined)
        throw corrupt(path, new Error(`affected row points to missing advisory ${id}`));
      found = decodeAdvisoryDoc(row.doc, row.source);
      advisoryCache.set(id, found);
    }
    return found;
  }

  function decode(row: AffectedRow): AffectedRecord {
    return {
      ...decodeAffectedData(row.ecosystem, row.package, row.status, row.data),
      advisory: advisory(row.advisory),
    };
  }

  function guarded<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof CorruptRowError) throw corrupt(path, error);
      throw error;
    }
  }

  function fill(rows: Iterable<AffectedRow>): void {
    let currentKey: string | undefined;
    let current: AffectedRecord[] = [];
    for (const row of rows) {
      const key = `${row.ecosystem}\0${row.package}`;
      if (key !== currentKey) {
        if (currentKey !== undefined) lookupCache.set(currentKey, current);
        currentKey = key;
        current = [];
      }
      current.push(decode(row));
    }
    if (currentKey !== undefined) lookupCache.set(currentKey, current);
  }

  return {
    path,
    status: () => guarded(() => readStatus(db, path)),
    lookup(ecosystem, name) {
      const canonical = canonicalEcosystem(ecosystem);
      const key = `${canonical}\0${packageKey(canonical, name)}`;
      const cached = lookupCache.get(key);
      if (cached !== undefined) return cached;
      // After a preload, a package that is not in memory has no entries at all.
      if (everything || preloaded.has(canonical)) return [];
      const records = guarded(() =>
        byPackage.all(canonical, packageKey(canonical, name)).map(decode),
      );
      lookupCache.set(key, records);
      return records;
    },
    advisories(id) {
      return guarded(() => advisoriesByAlias.all(id.trim()).map((row) => advisory(row.id)));
    },
    preload(ecosystem) {
      guarded(() => {
        if (ecosystem === undefined) {
          if (!everything) fill(allRows.iterate());
          everything = true;
          return;
        }
        const canonical = canonicalEcosystem(ecosystem);
        if (everything || preloaded.has(canonical)) return;
        fill(byEcosystem.iterate(canonical));
        preloaded.add(canonical);
      });
    },
    covers(ecosystem) {
      const canonical = canonicalEcosystem(ecosystem);
      let known = coverage.get(canonical);
      if (known === undefined) {
        known = guarded(() => anyOfEcosystem.get(canonical) !== undefined);
        coverage.set(canonical, known);
      }
      return known;
    },
    close() {
      lookupCache.clear();
      advisoryCache.clear();
      if (db.open) db.close();
    },
  };
}

function readStatus(db: SqliteDatabase, path: string): VulnDbStatus {
  const meta = new Map(
    db
      .prepare<[], { key: string; value: string }>('SELECT key, value FROM meta')
      .all()
      .map((row) => [row.key, row.value]),
  );
  const sources = db
    .prepare<
      [],
      {
        kind: string;
        input: string;
        records: number;
        affected: number;
        skipped: number;
        superseded: number;
        newest: string | null;
        imported_at: string;
        duration_ms: number;
      }
    >(
      'SELECT kind, input, records, affected, skipped, superseded, newest, imported_at, duration_ms FROM sources ORDER BY position',
    )
    .all()
    .map((row) => ({
      kind: row.kind,
      input: row.input,
      records: row.records,
      affected: row.affected,
      skipped: row.skipped,
      superseded: row.superseded,
      newest: row.newest ?? undefined,
      importedAt: row.imported_at,
      durationMs: row.duration_ms,
    }));
  const count = (sql: string): number => db.prepare<[], { n: number }>(sql).get()?.n ?? 0;
  const newest = sources.reduce<string | undefined>(
    (max, s) => (s.newest !== undefined && (max === undefined || s.newest > max) ? s.newest : max),
    undefined,
  );
  return {
    path,
    bytes: statSync(path).size,
    schemaVersion: Number(meta.get(META.schemaVersion)),
    builtAt: meta.get(META.builtAt) ?? '',
    builder: meta.get(META.builder) ?? '',
    advisories: count('SELECT count(*) AS n FROM advisories'),
    affected: count('SELECT count(*) AS n FROM affected'),
    newest,
    sources,
    ecosystems: db
      .prepare<[], { ecosystem: string; n: number }>(
        'SELECT ecosystem, count(*) AS n FROM affected GROUP BY ecosystem ORDER BY ecosystem',
      )
      .all()
      .map((row) => ({ ecosystem: row.ecosystem, affected: row.n })),
  };
}
