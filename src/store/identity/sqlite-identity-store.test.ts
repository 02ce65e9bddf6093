import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { IdentityStoreError } from './errors.js';
import { openSqliteIdentityStore } from './sqlite-identity-store.js';
import { runIdentityStoreContract } from './testing/identity-store-contract.js';

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

  it('refuses a database written by a newer schema, naming the versions', () => {
    const path = join(dir, 'newer.db');
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openSqliteIdentityStore(path)).toThrow(
      /identity database schema 99 is newer than this lockyard supports \(1\)/,
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
