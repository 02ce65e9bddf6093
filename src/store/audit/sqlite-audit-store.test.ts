import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { openSqliteAuditStore } from './sqlite-audit-store.js';
import { runAuditStoreContract } from './testing/audit-store-contract.js';

const dir = useTempDir('lockyard-audit-store-');
let n = 0;

runAuditStoreContract('sqlite', () =>
  openSqliteAuditStore(join(dir, `contract-${n++}`, 'audit.db')),
);

describe('SQLite audit store', () => {
  it('refuses UPDATE and DELETE from any connection (append-only triggers)', () => {
    const path = join(dir, 'triggers', 'audit.db');
    const store = openSqliteAuditStore(path);
    store.append(() => [
      {
        seq: 1,
        time: 1,
        actor: 'a',
        action: 'push',
        targetType: 'manifest',
        repository: 'r',
        target: 't',
        address: undefined,
        result: 'success',
        details: '{}',
        prevHash: '0'.repeat(64),
        hash: 'h',
      },
    ]);
    const other = new Database(path);
    expect(() => other.prepare("UPDATE audit_log SET actor = 'mallory'").run()).toThrow(
      /append-only/,
    );
    expect(() => other.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    other.close();
    expect([...store.scan()][0]?.actor).toBe('a');
    store.close();
  });

  it('opens read-only without creating anything, and names a missing or foreign file', () => {
    expect(() => openSqliteAuditStore(join(dir, 'none', 'audit.db'), { readonly: true })).toThrow(
      /no audit log at .*none\/audit\.db/,
    );
    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('CREATE TABLE x (a)');
    db.close();
    expect(() => openSqliteAuditStore(foreign, { readonly: true })).toThrow(
      /foreign\.db is not a Lockyard audit log/,
    );
    const garbage = join(dir, 'garbage.db');
    writeFileSync(
      garbage,
      'not a database at all, just text that is long enough to look like a header',
    );
    expect(() => openSqliteAuditStore(garbage, { readonly: true })).toThrow(/garbage\.db/);
  });

  it('a read-only store sees what a writer appends later', () => {
    const path = join(dir, 'shared', 'audit.db');
    const writer = openSqliteAuditStore(path);
    const reader = openSqliteAuditStore(path, { readonly: true });
    expect(reader.count()).toBe(0);
    writer.append(() => [
      {
        seq: 1,
        time: 1,
        actor: 'a',
        action: 'pull',
        targetType: 'manifest',
        repository: 'r',
        target: undefined,
        address: undefined,
        result: 'success',
        details: '{}',
        prevHash: '0'.repeat(64),
        hash: 'h',
      },
    ]);
    expect(reader.count()).toBe(1);
    expect(() => reader.append(() => [])).toThrow(/read-only|readonly/);
    reader.close();
    writer.close();
  });
});
