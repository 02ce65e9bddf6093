import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { IdentityStoreError } from './errors.js';
import { openSqliteIdentityStore } from './sqlite-identity-store.js';
import { runIdentityStoreContract } from './testing/identity-store-contract.js';

// The schema as version 1 shipped it, so the migration is tested against real old files.
const V1_DDL = `
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
  admin INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)), credential_version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
  anonymous_pull INTEGER NOT NULL DEFAULT 0 CHECK (anonymous_pull IN (0, 1)),
  created_at INTEGER NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE members (project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('guest', 'developer', 'maintainer', 'project-admin')),
  created_at INTEGER NOT NULL, PRIMARY KEY (project_id, user_id));
CREATE TABLE robots (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE, description TEXT NOT NULL,
  actions TEXT NOT NULL, secret_hash TEXT NOT NULL, created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL, expires_at INTEGER, revoked_at INTEGER);
CREATE TABLE tag_rules (id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE, pattern TEXT NOT NULL,
  created_at INTEGER NOT NULL, created_by TEXT NOT NULL, UNIQUE (project_id, pattern));
`;

const dir = useTempDir('lockyard-identity-store-');
let counter = 0;

runIdentityStoreContract('sqlite', () => {
  counter += 1;
  return openSqliteIdentityStore(join(dir, `s${counter}.db`));
});

describe('sqlite identity store', () => {
  it('keeps what was written across a reopen', async () => {
    const path = join(dir, 'reopen.db');
    const first = openSqliteIdentityStore(path);
    await first.createUser({ name: 'admin', passwordHash: 'h', admin: true, createdAt: 1 });
    await first.createProject({
      name: 'team',
      anonymousPull: true,
      createdAt: 1,
      createdBy: 'admin',
    });
    first.close();
    const second = openSqliteIdentityStore(path);
    expect((await second.getUser('admin'))?.admin).toBe(true);
    expect((await second.getProject('team'))?.anonymousPull).toBe(true);
    second.close();
  });

  it('migrates a version 1 database: its users, projects and robots keep working', async () => {
    const path = join(dir, 'v1.db');
    const raw = new Database(path);
    raw.exec(V1_DDL);
    raw.exec(`
      INSERT INTO users (id, name, password_hash, admin, created_at, updated_at) VALUES (1, 'admin', 'h', 1, 1, 1);
      INSERT INTO projects (id, name, anonymous_pull, created_at, created_by) VALUES (1, 'team', 0, 1, 'admin');
      INSERT INTO members (project_id, user_id, role, created_at) VALUES (1, 1, 'guest', 1);
      INSERT INTO robots (name, project_id, description, actions, secret_hash, created_at, created_by)
        VALUES ('robot$team+ci', 1, 'CI', 'pull,push', 'ab', 1, 'admin');
    `);
    raw.pragma('user_version = 1');
    raw.close();
    const store = openSqliteIdentityStore(path);
    expect((await store.getUser('admin'))?.admin).toBe(true);
    expect((await store.getMember('team', 'admin'))?.role).toBe('guest');
    expect((await store.getRobot('robot$team+ci'))?.actions).toEqual(['pull', 'push']);
    const created = await store.createSystemRobot({
      name: 'robot$ops',
      description: '',
      grants: [{ project: 'team', actions: ['pull'] }],
      secretHash: 'cd',
      createdAt: 2,
      createdBy: 'admin',
      expiresAt: undefined,
    });
    expect(created.ok).toBe(true);
    store.close();
    const check = new Database(path);
    expect(check.pragma('user_version', { simple: true })).toBe(2);
    check.close();
  });

  it('refuses a database written by a newer schema, naming the versions', () => {
    const path = join(dir, 'newer.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openSqliteIdentityStore(path)).toThrow(
      /identity database schema 99 is newer than this lockyard supports \(2\)/,
    );
  });

  it('reports a hand-edited role as a typed error naming the member', async () => {
    const path = join(dir, 'edited.db');
    const store = openSqliteIdentityStore(path);
    await store.createUser({ name: 'bob', passwordHash: 'h', admin: false, createdAt: 1 });
    await store.createProject({
      name: 'team',
      anonymousPull: false,
      createdAt: 1,
      createdBy: 'admin',
    });
    await store.setMember('team', 'bob', 'guest', 1);
    store.close();
    const raw = new Database(path);
    // The CHECK constraint protects the column; a hostile edit has to drop it first.
    raw.pragma('ignore_check_constraints = ON');
    raw.prepare("UPDATE members SET role = 'owner'").run();
    raw.close();
    const reopened = openSqliteIdentityStore(path);
    const error = await reopened.listMembers('team').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IdentityStoreError);
    expect((error as IdentityStoreError).message).toBe(
      'member bob of project team has an unknown role "owner"',
    );
    reopened.close();
  });

  it('wraps a failing database call in a typed error', async () => {
    const store = openSqliteIdentityStore(join(dir, 'closed.db'));
    store.close();
    const error = await store.getUser('x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IdentityStoreError);
    expect((error as IdentityStoreError).code).toBe('DATABASE_ERROR');
  });
});
