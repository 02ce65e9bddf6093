import { openSqlite, type SqliteDatabase } from '../../store/index.js';
import type { Advisory } from '../model.js';
import { packageKey, canonicalEcosystem } from '../normalize.js';
import { encodeAffectedData } from './affected-codec.js';
import { decodeAdvisoryDoc, encodeAdvisoryDoc, mergeAdvisoryDocs } from './codec.js';
import { META, SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';

export type AddOutcome = 'added' | 'merged' | 'replaced' | 'superseded';

interface AffectedRow {
  readonly ecosystem: string;
  readonly key: string;
  /** `ecosystem NUL key`: the unit a fragment replaces. */
  readonly slot: string;
  readonly seq: number;
  readonly status: string;
  readonly data: string;
}

/** An advisory's affected entries as rows, numbered per package (an OSV record may list one twice). */
function affectedRows(advisory: Advisory): AffectedRow[] {
  const seq = new Map<string, number>();
  return advisory.affected.map((affected) => {
    const ecosystem = canonicalEcosystem(affected.ecosystem);
    const key = packageKey(ecosystem, affected.name);
    const slot = `${ecosystem}\0${key}`;
    const next = seq.get(slot) ?? 0;
    seq.set(slot, next + 1);
    return {
      ecosystem,
      key,
      slot,
      seq: next,
      status: affected.status,
      data: encodeAffectedData(affected, key),
    };
  });
}

/** The `packages` column: written by this writer, so a list of strings. */
function storedPackages(text: string): string[] {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

export interface SourceRow {
  readonly kind: string;
  readonly input: string;
  readonly records: number;
  readonly affected: number;
  readonly skipped: number;
  readonly superseded: number;
  readonly newest: string | undefined;
  readonly importedAt: string;
  readonly durationMs: number;
}

/** Rows per transaction: large enough to be fast, small enough to keep the journal small. */
const BATCH = 5000;

/**
 * Writes a fresh database file. Every call is synchronous (better-sqlite3); rows are committed
 * in batches. The file is a temp file until the builder renames it into place.
 */
export class VulnDbWriter {
  private readonly db: SqliteDatabase;
  private pending = 0;
  private readonly statements;

  constructor(path: string) {
    this.db = openSqlite(path);
    // A database being built is thrown away on any failure, so it needs no journal or fsync
    // per commit; the builder syncs the finished file once before renaming it.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    this.db.exec(SCHEMA_SQL);
    this.statements = {
      find: this.db.prepare<
        [string, string],
        { id: number; modified: string | null; doc: string; packages: string }
      >('SELECT id, modified, doc, packages FROM advisories WHERE source = ? AND advisory_id = ?'),
      insertAdvisory: this.db.prepare<[string, string, string | null, string, string]>(
        'INSERT INTO advisories (source, advisory_id, modified, doc, packages) VALUES (?, ?, ?, ?, ?)',
      ),
      updateAdvisory: this.db.prepare<[string | null, string, string, number]>(
        'UPDATE advisories SET modified = ?, doc = ?, packages = ? WHERE id = ?',
      ),
      insertAlias: this.db.prepare<[string, number]>(
        'INSERT OR IGNORE INTO aliases (alias, advisory) VALUES (?, ?)',
      ),
      deleteAliases: this.db.prepare<[number]>('DELETE FROM aliases WHERE advisory = ?'),
      insertAffected: this.db.prepare<[string, string, number, number, string, string]>(
        'INSERT INTO affected (ecosystem, package, advisory, seq, status, data) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      // Through the primary key (ecosystem, package, advisory, ...): no index on advisory needed.
      deleteAffected: this.db.prepare<[string, string, number]>(
        'DELETE FROM affected WHERE ecosystem = ? AND package = ? AND advisory = ?',
      ),
      insertSource: this.db.prepare<
        [string, string, number, number, number, number, string | null, string, number]
      >(
        'INSERT INTO sources (kind, input, records, affected, skipped, superseded, newest, imported_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      setMeta: this.db.prepare<[string, string]>(
        'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)',
      ),
    };
    this.db.exec('BEGIN');
  }

  /**
   * Stores one record. A whole record replaces an older stored one with the same (source, id)
   * and loses to a newer one ('superseded'); a fragment merges into it, and its affected
   * entries replace what the source said before about the same packages.
   */
  add(source: string, advisory: Advisory, fragment: boolean): AddOutcome {
    const rows = affectedRows(advisory);
    const incoming = [...new Set(rows.map((row) => row.slot))];
    const existing = this.statements.find.get(source, advisory.id);
    let rowId: number;
    let outcome: AddOutcome;
    let replaced: readonly string[];
    let packages: readonly string[];
    if (existing === undefined) {
      const doc = encodeAdvisoryDoc(advisory);
      rowId = Number(
        this.statements.insertAdvisory.run(
          source,
          advisory.id,
          advisory.modified ?? null,
          doc,
          JSON.stringify(incoming),
        ).lastInsertRowid,
      );
      outcome = 'added';
      replaced = [];
      packages = incoming;
    } else if (fragment) {
      const merged = mergeAdvisoryDocs(decodeAdvisoryDoc(existing.doc, source), advisory);
      rowId = existing.id;
      replaced = incoming;
      packages = [...new Set([...storedPackages(existing.packages), ...incoming])];
      this.statements.updateAdvisory.run(
        merged.modified ?? null,
        encodeAdvisoryDoc(merged),
        JSON.stringify(packages),
        rowId,
      );
      outcome = 'merged';
    } else {
      if (
        existing.modified !== null &&
        advisory.modified !== undefined &&
        existing.modified > advisory.modified
      ) {
        this.tick();
        return 'superseded';
      }
      rowId = existing.id;
      replaced = storedPackages(existing.packages);
      packages = incoming;
      this.statements.updateAdvisory.run(
        advisory.modified ?? null,
        encodeAdvisoryDoc(advisory),
        JSON.stringify(packages),
        rowId,
      );
      this.statements.deleteAliases.run(rowId);
      outcome = 'replaced';
    }
    for (const slot of replaced) {
      const [ecosystem = '', key = ''] = slot.split('\0');
      this.statements.deleteAffected.run(ecosystem, key, rowId);
    }
    for (const alias of [advisory.id, ...advisory.aliases])
      this.statements.insertAlias.run(alias, rowId);
    for (const row of rows) {
      this.statements.insertAffected.run(
        row.ecosystem,
        row.key,
        rowId,
        row.seq,
        row.status,
        row.data,
      );
    }
    this.tick();
    return outcome;
  }

  private tick(): void {
    this.pending += 1;
    if (this.pending >= BATCH) {
      this.db.exec('COMMIT');
      this.db.exec('BEGIN');
      this.pending = 0;
    }
  }

  addSource(row: SourceRow): void {
    this.statements.insertSource.run(
      row.kind,
      row.input,
      row.records,
      row.affected,
      row.skipped,
      row.superseded,
      row.newest ?? null,
      row.importedAt,
      row.durationMs,
    );
  }

  /** Writes the metadata, commits, records statistics for the query planner, and closes. */
  finish(builtAt: string, builder: string): void {
    this.statements.setMeta.run(META.schemaVersion, String(SCHEMA_VERSION));
    this.statements.setMeta.run(META.builtAt, builtAt);
    this.statements.setMeta.run(META.builder, builder);
    this.db.exec('COMMIT');
    this.db.exec('ANALYZE');
    // Readers open the file read-only; a rollback journal (not WAL) needs no side files.
    this.db.pragma('journal_mode = DELETE');
    this.db.close();
  }

  /** Closes without finishing (the builder deletes the temp file). */
  abandon(): void {
    if (this.db.open) this.db.close();
  }
}
