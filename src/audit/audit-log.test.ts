import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteAuditStore } from '../store/index.js';
import { useTempDir } from '../testing/index.js';
import { AuditLog } from './audit-log.js';
import { parseAuditQuery, queryAudit } from './query.js';
import { verifyAuditChain } from './verify.js';

const dir = useTempDir('lockyard-audit-');
let n = 0;

function fresh(): { path: string; log: AuditLog; store: ReturnType<typeof openSqliteAuditStore> } {
  const path = join(dir, `log-${n++}`, 'audit.db');
  const store = openSqliteAuditStore(path);
  return { path, store, log: new AuditLog(store, { flushMs: 10_000 }) };
}

function pull(i: number) {
  return {
    actor: `user${i % 3}`,
    action: i % 2 ? 'pull' : 'push',
    targetType: 'manifest',
    repository: `lib/app${i % 2}`,
    target: `sha256:${String(i).padStart(64, '0')}`,
    address: '127.0.0.1',
    result: 'success' as const,
  };
}

/** Edits one stored field behind the store's back, as someone with the file would. */
function tamper(path: string, sql: string): void {
  const db = new Database(path);
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  db.exec(sql);
  db.close();
}

describe('audit log', () => {
  it('queues without writing until a flush, then writes one chained batch that verifies', () => {
    const { store, log } = fresh();
    for (let i = 0; i < 25; i += 1) log.record(pull(i));
    expect(store.count()).toBe(0);
    expect(log.pending).toBe(25);
    expect(log.flush()).toBe(25);
    for (let i = 25; i < 40; i += 1) log.record(pull(i));
    log.close();
    expect(store.count()).toBe(40);
    const rows = [...store.scan()];
    expect(rows[0]?.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < rows.length; i += 1) expect(rows[i]?.prevHash).toBe(rows[i - 1]?.hash);
    expect(verifyAuditChain(store)).toEqual({
      ok: true,
      records: 40,
      head: { seq: 40, hash: rows[39]?.hash },
    });
    store.close();
  });

  it('writes by itself after the flush interval and when a batch is full', async () => {
    const path = join(dir, 'timer', 'audit.db');
    const store = openSqliteAuditStore(path);
    const log = new AuditLog(store, { flushMs: 20, maxBatch: 5 });
    log.record(pull(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.count()).toBe(1);
    for (let i = 0; i < 5; i += 1) log.record(pull(i));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(store.count()).toBe(6);
    log.close();
    store.close();
  });

  it('names the edited record when a field is changed', () => {
    const { path, store, log } = fresh();
    for (let i = 0; i < 10; i += 1) log.record(pull(i));
    log.close();
    store.close();
    tamper(path, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 7");
    const reopened = openSqliteAuditStore(path, { readonly: true });
    const result = verifyAuditChain(reopened);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ seq: 7, records: 6 });
    expect(!result.ok && result.reason).toMatch(
      /^record 7 \(.* by someone-else\) does not match its hash: it was edited/,
    );
    reopened.close();
  });

  it('catches a record re-hashed after editing (the next link breaks) and a deleted one', () => {
    const { path, store, log } = fresh();
    for (let i = 0; i < 10; i += 1) log.record(pull(i));
    log.close();
    store.close();
    tamper(
      path,
      "UPDATE audit_log SET result = 'failure', hash = 'ab' || substr(hash, 3) WHERE seq = 4",
    );
    const edited = openSqliteAuditStore(path, { readonly: true });
    const first = verifyAuditChain(edited);
    edited.close();
    // Record 4's own hash no longer matches its fields: whichever check fires, it names record 4.
    expect(first).toMatchObject({ ok: false, seq: 4 });

    const second = fresh();
    for (let i = 0; i < 10; i += 1) second.log.record(pull(i));
    second.log.close();
    second.store.close();
    tamper(second.path, 'DELETE FROM audit_log WHERE seq IN (5, 6)');
    const deleted = openSqliteAuditStore(second.path, { readonly: true });
    expect(verifyAuditChain(deleted)).toMatchObject({
      ok: false,
      seq: 5,
      reason: 'records 5-6 are missing: deleted from the log',
    });
    deleted.close();
  });

  it('detects a record replaced with a self-consistent forgery by the broken link after it', async () => {
    const { path, store, log } = fresh();
    for (let i = 0; i < 6; i += 1) log.record(pull(i));
    log.close();
    store.close();
    const { recordHash } = await import('./chain.js');
    const db = new Database(path);
    db.exec('DROP TRIGGER audit_log_no_update;');
    const row = db.prepare('SELECT * FROM audit_log WHERE seq = 3').get() as Record<
      string,
      unknown
    >;
    const forged = {
      seq: 3,
      time: row['time'] as number,
      actor: 'mallory',
      action: row['action'] as string,
      targetType: row['target_type'] as string,
      repository: row['repository'] as string,
      target: row['target'] as string,
      address: row['address'] as string,
      result: row['result'] as string,
      details: row['details'] as string,
      prevHash: row['prev_hash'] as string,
    };
    db.prepare('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 3').run(
      'mallory',
      recordHash(forged),
    );
    db.close();
    const reopened = openSqliteAuditStore(path, { readonly: true });
    expect(verifyAuditChain(reopened)).toMatchObject({
      ok: false,
      seq: 4,
      reason: expect.stringMatching(/^record 4 .* does not link to record 3/) as unknown,
    });
    reopened.close();
  });

  it('never stores a password, token or authorization value, whatever field carries it', () => {
    const { path, store, log } = fresh();
    const secrets = [
      'hunter2-Pa55word',
      'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl',
      'c2VjcmV0LXRva2VuLXZhbHVl',
    ];
    log.record({
      actor: 'alice',
      action: 'login',
      targetType: 'user',
      target: `Bearer ${secrets[2]}`,
      result: 'failure',
      details: {
        password: secrets[0],
        token: secrets[1],
        reason: 'wrong password',
        header: `Basic ${secrets[2]}`,
        jwt: secrets[1],
      },
    });
    log.close();
    store.close();
    const record = queryAudit(openSqliteAuditStore(path, { readonly: true }), parseAuditQuery({}))
      .records[0];
    expect(record?.details).toEqual({
      header: '[redacted]',
      jwt: '[redacted]',
      password: '[redacted]',
      reason: 'wrong password',
      token: '[redacted]',
    });
    expect(record?.target).toBe('[redacted]');
    for (const file of readdirSync(join(path, '..'))) {
      const bytes = readFileSync(join(path, '..', file)).toString('latin1');
      for (const secret of secrets) expect(bytes).not.toContain(secret);
    }
  });
});

describe('coalescing', () => {
  it('writes identical coalescable events of one flush as one record with a count; others stay apart', () => {
    const { store, log } = fresh();
    const pullEvent = { ...pull(1), action: 'pull', coalesce: true };
    for (let i = 0; i < 1000; i += 1) log.record({ ...pullEvent, time: 1_700_000_000_000 + i });
    log.record({ ...pullEvent, address: '10.0.0.7' });
    log.record({ ...pullEvent, result: 'denied', details: { reason: 'blocked' } });
    log.record({ ...pull(2), action: 'push' });
    log.record({ ...pull(2), action: 'push' });
    log.flush();
    log.record({ ...pullEvent, time: 1_700_000_100_000 });
    log.close();
    const records = [...queryAudit(store, parseAuditQuery({})).records].reverse();
    expect(records.map((r) => [r.action, r.result, r.address, r.details['count'] ?? 1])).toEqual([
      ['pull', 'success', '127.0.0.1', 1000],
      ['pull', 'success', '10.0.0.7', 1],
      ['pull', 'denied', '127.0.0.1', 1],
      ['push', 'success', '127.0.0.1', 1],
      ['push', 'success', '127.0.0.1', 1],
      ['pull', 'success', '127.0.0.1', 1],
    ]);
    expect(records[0]).toMatchObject({
      time: '2023-11-14T22:13:20.000Z',
      details: { count: 1000, lastTime: '2023-11-14T22:13:20.999Z' },
    });
    expect(verifyAuditChain(store).ok).toBe(true);
    store.close();
  });
});

describe('audit queries', () => {
  it('filters and pages newest first', () => {
    const { store, log } = fresh();
    for (let i = 0; i < 12; i += 1)
      log.record({ ...pull(i), time: Date.parse('2024-05-01T00:00:00Z') + i * 60_000 });
    log.close();
    const page = queryAudit(store, parseAuditQuery({ actor: 'user1', limit: '2' }));
    expect(page.records.map((r) => r.seq)).toEqual([11, 8]);
    expect(page.next).toBe(8);
    const next = queryAudit(
      store,
      parseAuditQuery({ actor: 'user1', limit: '2', before: String(page.next) }),
    );
    expect(next.records.map((r) => r.seq)).toEqual([5, 2]);
    expect(next.next).toBeUndefined();
    const window = queryAudit(
      store,
      parseAuditQuery({
        since: '2024-05-01T00:03:00Z',
        until: '2024-05-01T00:05:00.000Z',
        action: 'pull',
      }),
    );
    expect(window.records.map((r) => [r.seq, r.time])).toEqual([[4, '2024-05-01T00:03:00.000Z']]);
    store.close();
  });

  it('names the bad filter', () => {
    expect(() => parseAuditQuery({ limit: '0' })).toThrow(/^audit query: limit: /);
    expect(() => parseAuditQuery({ limit: 'ten' })).toThrow(
      'audit query: limit: expected a whole number',
    );
    expect(() => parseAuditQuery({ since: 'yesterday' })).toThrow(
      'audit query: since: not an ISO 8601 time or epoch milliseconds: "yesterday"',
    );
    expect(() => parseAuditQuery({ colour: 'red' })).toThrow('audit query: colour: unknown filter');
    expect(() => parseAuditQuery({ since: '2024-02-01', until: '2024-01-01' })).toThrow(
      'audit query: since: later than until',
    );
  });
});
