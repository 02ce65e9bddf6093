import type { SqliteDatabase } from '../sqlite.js';
import { IdentityStoreError } from './errors.js';

const SCHEMA_VERSION = 1;

// Integer ids keep renames possible later; the interface speaks names. Foreign keys cascade so a
// removed project or user never leaves a membership, robot or rule behind. Robots stay after
// revocation (revoked_at) so the audit trail can still name them.
const DDL = `
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
  credential_version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  anonymous_pull INTEGER NOT NULL DEFAULT 0 CHECK (anonymous_pull IN (0, 1)),
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS members (
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('guest', 'developer', 'maintainer', 'project-admin')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX IF NOT EXISTS members_by_user ON members (user_id);
CREATE TABLE IF NOT EXISTS robots (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  description TEXT NOT NULL,
  actions TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS robots_by_project ON robots (project_id);
CREATE TABLE IF NOT EXISTS tag_rules (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  pattern TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (project_id, pattern)
);
`;

/** Creates the tables (idempotent) and records the schema version. */
export function migrate(db: SqliteDatabase): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new IdentityStoreError(
      'SCHEMA_TOO_NEW',
      `identity database schema ${version} is newer than this lockyard supports (${SCHEMA_VERSION})`,
    );
  }
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}
