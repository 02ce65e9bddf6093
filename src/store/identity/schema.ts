import type { SqliteDatabase } from '../sqlite.js';
import { IdentityStoreError } from './errors.js';

const SCHEMA_VERSION = 2;

// Integer ids keep renames possible later; the interface speaks names. Foreign keys cascade so a
// removed project or user never leaves a membership, robot or rule behind. Robots stay after
// revocation (revoked_at) so the audit trail can still name them.
const V1 = `
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

// Version 2: system robots (`robot$<name>`) with grants in several projects. A grant row goes
// with its project (cascade); `all_projects` holds the actions granted on every project (`*`),
// NULL when there is no such grant. The names cannot meet project robots' (`robot$<p>+<n>`):
// short names never contain "+".
const V2 = `
CREATE TABLE IF NOT EXISTS system_robots (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  all_projects TEXT,
  secret_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS system_robot_grants (
  robot_id INTEGER NOT NULL REFERENCES system_robots (id) ON DELETE CASCADE,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  actions TEXT NOT NULL,
  PRIMARY KEY (robot_id, project_id)
);
CREATE INDEX IF NOT EXISTS system_robot_grants_by_project ON system_robot_grants (project_id);
`;

// Step n brings a database from version n - 1 to n; each step only adds, so older data stays.
const STEPS: readonly string[] = [V1, V2];

/** Brings the database to the current schema, one versioned step at a time, in one transaction. */
export function migrate(db: SqliteDatabase): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new IdentityStoreError(
      'SCHEMA_TOO_NEW',
      `identity database schema ${version} is newer than this lockyard supports (${SCHEMA_VERSION})`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (const step of STEPS.slice(version)) db.exec(step);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
