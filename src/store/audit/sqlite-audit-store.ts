import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeCause } from '../../errors/index.js';
import { openSqlite, type SqliteDatabase } from '../sqlite.js';
import type { AuditHead, AuditQuery, AuditRow, AuditStore } from './audit-store.js';
import { AuditStoreError } from './errors.js';

const SCHEMA_VERSION = 1;

// The triggers make the table append-only for every connection that goes through SQLite's SQL
// layer: a bug or an operator's stray UPDATE fails loudly. Someone who edits the file itself
// (or drops the triggers) is caught by the hash chain instead.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  repository TEXT,
  target TEXT,
  address TEXT,
  result TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (time);
CREATE INDEX IF NOT EXISTS audit_by_actor ON audit_log (actor, seq);
CREATE INDEX IF NOT EXISTS audit_by_action ON audit_log (action, seq);
CREATE INDEX IF NOT EXISTS audit_by_repository ON audit_log (repository, seq);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

interface SqlRow {
  seq: number;
  time: number;
  actor: string;
  action: string;
  target_type: string;
  repository: string | null;
  target: string | null;
  address: string | null;
  result: string;
  details: string;
  prev_hash: string;
  hash: string;
}

function fromSql(row: SqlRow): AuditRow {
  return {
    seq: row.seq,
    time: row.time,
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    repository: row.repository ?? undefined,
    target: row.target ?? undefined,
    address: row.address ?? undefined,
    result: row.result,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function openChecked(path: string, readonly: boolean): SqliteDatabase {
  if (readonly && !existsSync(path)) {
    throw new AuditStoreError(
      'AUDIT_DB_NOT_FOUND',
      `no audit log at ${path}: it is created when lockyard server first runs with this data directory`,
      {
        details: { path },
      },
    );
  }
  if (!readonly) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let db: SqliteDatabase;
  try {
    db = openSqlite(path, { readonly });
  } catch (error) {
    throw new AuditStoreError(
      'AUDIT_DB_INVALID',
      `cannot open audit log ${path}: ${describeCause(error)}`,
      { cause: error, details: { path } },
    );
  }
  try {
    if (!readonly) {
      db.exec(SCHEMA);
      db.prepare('INSERT OR IGNORE INTO audit_meta (key, value) VALUES (?, ?)').run(
        'schema_version',
        String(SCHEMA_VERSION),
      );
    }
    const version = db
      .prepare<[], { value: string }>("SELECT value FROM audit_meta WHERE key = 'schema_version'")
      .get()?.value;
    if (version !== String(SCHEMA_VERSION))
      throw new Error(`schema version ${version ?? 'missing'}, expected ${SCHEMA_VERSION}`);
  } catch (error) {
    db.close();
    throw new AuditStoreError(
      'AUDIT_DB_INVALID',
      `${path} is not a Lockyard audit log: ${describeCause(error)}`,
      { cause: error, details: { path } },
    );
  }
  return db;
}

/** The audit log in its own SQLite file (WAL: the CLI reads it while the server appends). */
export function openSqliteAuditStore(
  path: string,
  options: { readonly?: boolean } = {},
): AuditStore {
  const readonly = options.readonly ?? false;
  const db = openChecked(path, readonly);
  const headStatement = db.prepare<[], { seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const countStatement = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM audit_log');
  const scanStatement = db.prepare<[number], SqlRow>(
    'SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq',
  );
  const insert = readonly
    ? undefined
    : db.prepare(
        `INSERT INTO audit_log (seq, time, actor, action, target_type, repository, target, address, result, details, prev_hash, hash)
         VALUES (@seq, @time, @actor, @action, @targetType, @repository, @target, @address, @result, @details, @prevHash, @hash)`,
      );
  const head = (): AuditHead | undefined => headStatement.get();

  const appendTransaction = db.transaction(
    (build: (head: AuditHead | undefined) => readonly AuditRow[]): number => {
      if (!insert)
        throw new AuditStoreError('AUDIT_DB_INVALID', `audit log ${path} is open read-only`);
      const current = head();
      const rows = build(current);
      let expected = (current?.seq ?? 0) + 1;
      let previous = current?.hash;
      for (const row of rows) {
        // A row that does not continue the chain would make the log unverifiable: refuse it.
        if (row.seq !== expected || (previous !== undefined && row.prevHash !== previous)) {
          throw new AuditStoreError(
            'AUDIT_CHAIN_FORK',
            `audit record ${row.seq} does not continue the chain at ${expected - 1} in ${path}`,
          );
        }
        insert.run({
          ...row,
          repository: row.repository ?? null,
          target: row.target ?? null,
          address: row.address ?? null,
        });
        expected += 1;
        previous = row.hash;
      }
      return rows.length;
    },
  );

  return {
    append: (build) => appendTransaction.immediate(build),
    head,
    count: () => countStatement.get()?.n ?? 0,
    *scan(fromSeq = 1) {
      for (const row of scanStatement.iterate(fromSeq)) yield fromSql(row);
    },
    query(query: AuditQuery): AuditRow[] {
      const where: string[] = [];
      const params: (string | number)[] = [];
      const add = (clause: string, value: string | number | undefined): void => {
        if (value === undefined) return;
        where.push(clause);
        params.push(value);
      };
      add('actor = ?', query.actor);
      add('action = ?', query.action);
      add('repository = ?', query.repository);
      add('time >= ?', query.since);
      add('time < ?', query.until);
      add('seq < ?', query.before);
      const sql = `SELECT * FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
      return db
        .prepare<(string | number)[], SqlRow>(sql)
        .all(...params, query.limit)
        .map(fromSql);
    },
    close: () => {
      db.close();
    },
  };
}
