import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeCause } from '../../errors/index.js';
import { openSqlite, type SqliteDatabase } from '../../store/index.js';
import { ScanningError } from './errors.js';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- The persisted queue: a row per manifest waiting or being scanned; gone once it has a result.
CREATE TABLE IF NOT EXISTS jobs (
  digest TEXT PRIMARY KEY,
  repository TEXT NOT NULL,
  media_type TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running')),
  attempts INTEGER NOT NULL DEFAULT 0,
  queued_at INTEGER NOT NULL,
  started_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, queued_at);
-- One result per manifest digest (the same bytes are the same image in every repository).
CREATE TABLE IF NOT EXISTS scans (
  digest TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('done', 'failed', 'unsupported')),
  media_type TEXT NOT NULL,
  error TEXT,
  catalog BLOB,
  keys BLOB,
  findings BLOB,
  findings_digest TEXT,
  counts TEXT,
  worst TEXT,
  packages INTEGER,
  scanned_at INTEGER NOT NULL,
  matched_at INTEGER,
  db_built_at TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS scan_repositories (
  digest TEXT NOT NULL,
  repository TEXT NOT NULL,
  PRIMARY KEY (digest, repository)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS index_children (
  index_digest TEXT NOT NULL,
  position INTEGER NOT NULL,
  child_digest TEXT NOT NULL,
  platform TEXT,
  PRIMARY KEY (index_digest, position)
) WITHOUT ROWID;
-- The shared lookup-key table of src/match/rescan.ts: row id = index in PackageKeyTable.
CREATE TABLE IF NOT EXISTS package_keys (
  id INTEGER PRIMARY KEY,
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  distro INTEGER NOT NULL
);
-- When each finding (vulnerability in a package) of an image appeared, and when it went away.
CREATE TABLE IF NOT EXISTS finding_history (
  digest TEXT NOT NULL,
  finding TEXT NOT NULL,
  package TEXT NOT NULL,
  severity TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  resolved_at INTEGER,
  PRIMARY KEY (digest, finding, package)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS scan_changes (
  id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL,
  at INTEGER NOT NULL,
  trigger TEXT NOT NULL,
  db_built_at TEXT,
  added TEXT NOT NULL,
  removed TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS scan_changes_by_digest ON scan_changes (digest, id);
CREATE TABLE IF NOT EXISTS policies (
  project TEXT PRIMARY KEY,
  block_severity TEXT,
  block_unscanned INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Opens (and creates) the scanning database: queue, results, SBOMs, history and gate policies. */
export function openScanDatabase(path: string): SqliteDatabase {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let db: SqliteDatabase;
  try {
    db = openSqlite(path);
    db.exec(SCHEMA);
    db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(
      'schema_version',
      String(SCHEMA_VERSION),
    );
  } catch (error) {
    throw new ScanningError(
      'STORE_INVALID',
      `cannot open scanning database ${path}: ${describeCause(error)}`,
      { cause: error },
    );
  }
  const version = db
    .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")
    .get()?.value;
  if (version !== String(SCHEMA_VERSION)) {
    db.close();
    throw new ScanningError(
      'STORE_INVALID',
      `scanning database ${path} has schema version ${version ?? 'none'}, expected ${SCHEMA_VERSION}`,
    );
  }
  return db;
}
