import type { SqliteDatabase } from '../sqlite.js';
import { RegistryMetadataError } from './errors.js';

const SCHEMA_VERSION = 1;

// Manifests are stored per repository (the same bytes pushed to two repositories are two rows),
// so deleting from one never affects the other. Tag order is SQLite's BINARY collation: the
// byte-wise "lexical" order the distribution spec paginates by.
const DDL = `
CREATE TABLE IF NOT EXISTS repositories (
  name TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS repository_blobs (
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  linked_at INTEGER NOT NULL,
  PRIMARY KEY (repository, digest)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS repository_blobs_by_digest ON repository_blobs (digest);
CREATE TABLE IF NOT EXISTS manifests (
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  content BLOB NOT NULL,
  artifact_type TEXT,
  subject TEXT,
  annotations TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (repository, digest)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifests_by_subject ON manifests (repository, subject) WHERE subject IS NOT NULL;
CREATE TABLE IF NOT EXISTS manifest_references (
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  child TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('blob', 'manifest')),
  PRIMARY KEY (repository, digest, kind, child)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS manifest_references_by_child ON manifest_references (child, kind, repository);
CREATE TABLE IF NOT EXISTS tags (
  repository TEXT NOT NULL,
  tag TEXT NOT NULL,
  digest TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (repository, tag)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tags_by_digest ON tags (repository, digest);
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY,
  repository TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** Creates the tables (idempotent) and records the schema version. */
export function migrate(db: SqliteDatabase): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new RegistryMetadataError(
      'SCHEMA_TOO_NEW',
      `registry database schema ${version} is newer than this lockyard supports (${SCHEMA_VERSION})`,
    );
  }
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
