import { openSqlite, type SqliteDatabase } from '../../store/index.js';
import type { Advisory } from '../model.js';
import { packageKey, canonicalEcosystem } from '../normalize.js';
import {
  decodeAdvisoryDoc,
  encodeAdvisoryDoc,
  encodeAffectedData,
  mergeAdvisoryDocs,
} from './codec.js';
import { META, SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';

export type AddOutcome = 'added' | 'merged' | 'replaced' | 'superseded';

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
      find: this.db.prepare<[string, string], { id: number; modified: string | null; doc: string }>(
        'SELECT id, modified, doc FROM advisories WHERE source = ? AND advisory_id = ?',
      ),
      insertAdvisory: this.db.prepare<[string, string, string | null, string]>(
        'INSERT INTO advisories (source, advisory_id, modified, doc) VALUES (?, ?, ?, ?)',
      ),
      updateAdvisory: this.db.prepare<[string | null, string, number]>(
        'UPDATE advisories SET modified = ?, doc = ? WHERE id = ?',
      ),
      insertAlias: this.db.prepare<[string, number]>(
        'INSERT OR IGNORE INTO aliases (alias, advisory) VALUES (?, ?)',
      ),
      deleteAliases: this.db.prepare<[number]>('DELETE FROM aliases WHERE advisory = ?'),
      insertAffected: this.db.prepare<[string, string, number, number, string, string]>(
        'INSERT INTO affected (ecosystem, package, advisory, seq, status, data) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deleteAffected: this.db.prepare<[number]>('DELETE FROM affected WHERE advisory = ?'),
      deleteAffectedPackage: this.db.prepare<[number, string, string]>(
        'DELETE FROM affected WHERE advisory = ? AND ecosystem = ? AND package = ?',
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
    const existing = this.statements.find.get(source, advisory.id);
    let rowId: number;
    let outcome: AddOutcome;
    if (existing === undefined) {
      rowId = Number(
        this.statements.insertAdvisory.run(
          source,
          advisory.id,
          advisory.modified ?? null,
          encodeAdvisoryDoc(advisory),
        ).lastInsertRowid,
      );
      outcome = 'added';
    } else if (fragment) {
      const merged = mergeAdvisoryDocs(decodeAdvisoryDoc(existing.doc, source), advisory);
      rowId = existing.id;
      this.statements.updateAdvisory.run(merged.modified ?? null, encodeAdvisoryDoc(merged), rowId);
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
      this.statements.updateAdvisory.run(
        advisory.modified ?? null,
        encodeAdvisoryDoc(advisory),
        rowId,
      );
      this.statements.deleteAffected.run(rowId);
      this.statements.deleteAliases.run(rowId);
      outcome = 'replaced';
    }
    for (const alias of [advisory.id, ...advisory.aliases])
      this.statements.insertAlias.run(alias, rowId);
    this.writeAffected(rowId, advisory, fragment && outcome === 'merged');
    this.tick();
    return outcome;
  }

  private writeAffected(rowId: number, advisory: Advisory, replacePackages: boolean): void {
    const seq = new Map<string, number>();
    for (const affected of advisory.affected) {
      const ecosystem = canonicalEcosystem(affected.ecosystem);
      const key = packageKey(ecosystem, affected.name);
      const slot = `${ecosystem}\0${key}`;
      let next = seq.get(slot);
      if (next === undefined) {
        if (replacePackages) this.statements.deleteAffectedPackage.run(rowId, ecosystem, key);
        next = 0;
      }
      this.statements.insertAffected.run(
        ecosystem,
        key,
        rowId,
        next,
        affected.status,
        encodeAffectedData(affected),
      );
      seq.set(slot, next + 1);
    }
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
