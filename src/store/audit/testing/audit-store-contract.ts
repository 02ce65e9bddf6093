import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditHead, AuditRow, AuditStore } from '../audit-store.js';

/** Rows that chain correctly after `head` (the hash here is a stand-in; the store does not judge it). */
function rows(head: AuditHead | undefined, specs: readonly Partial<AuditRow>[]): AuditRow[] {
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? '0'.repeat(64);
  return specs.map((spec) => {
    seq += 1;
    const hash = createHash('sha256').update(`${prev}:${seq}`).digest('hex');
    const row: AuditRow = {
      seq,
      time: 1_700_000_000_000 + seq * 1000,
      actor: 'alice',
      action: 'push',
      targetType: 'manifest',
      repository: 'lib/app',
      target: `sha256:${'a'.repeat(64)}`,
      address: '127.0.0.1',
      result: 'success',
      details: '{}',
      prevHash: prev,
      ...spec,
      hash,
    };
    prev = hash;
    return row;
  });
}

/**
 * The contract every AuditStore passes: rows chain onto the head inside one transaction, a row
 * that does not continue the chain is refused with nothing written, queries filter and page
 * newest first, and scan returns everything in order. `makeStore` returns a fresh, empty store.
 */
export function runAuditStoreContract(name: string, makeStore: () => AuditStore): void {
  describe(`AuditStore contract: ${name}`, () => {
    it('starts empty and appends rows built from the current head', () => {
      const store = makeStore();
      expect(store.head()).toBeUndefined();
      let seen: AuditHead | undefined = { seq: -1, hash: 'x' };
      expect(store.append((head) => ((seen = head), rows(head, [{}, {}])))).toBe(2);
      expect(seen).toBeUndefined();
      store.append((head) => ((seen = head), rows(head, [{ actor: 'bob' }])));
      expect(seen?.seq).toBe(2);
      expect(store.head()?.seq).toBe(3);
      expect(store.count()).toBe(3);
      expect([...store.scan()].map((row) => row.seq)).toEqual([1, 2, 3]);
      expect([...store.scan(2)].map((row) => row.actor)).toEqual(['alice', 'bob']);
      store.close();
    });

    it('keeps every field exactly, absent ones as undefined', () => {
      const store = makeStore();
      const [written] = rows(undefined, [
        { repository: undefined, target: undefined, address: undefined, details: '{"a":1}' },
      ]);
      store.append(() => (written ? [written] : []));
      expect([...store.scan()][0]).toEqual(written);
      store.close();
    });

    it('refuses rows that skip a number or link to the wrong hash, writing none of the batch', () => {
      const store = makeStore();
      store.append((head) => rows(head, [{}]));
      expect(() =>
        store.append((head) => rows(head, [{}]).map((row) => ({ ...row, seq: row.seq + 1 }))),
      ).toThrow(/does not continue the chain/);
      expect(() =>
        store.append((head) =>
          rows(head, [{}, {}]).map((row, i) =>
            i === 1 ? { ...row, prevHash: 'f'.repeat(64) } : row,
          ),
        ),
      ).toThrow(/does not continue the chain/);
      expect(store.count()).toBe(1);
      store.close();
    });

    it('filters by actor, action, repository and time, newest first, with a cursor', () => {
      const store = makeStore();
      store.append((head) =>
        rows(head, [
          { actor: 'alice', action: 'push', repository: 'lib/a' },
          { actor: 'bob', action: 'pull', repository: 'lib/a' },
          { actor: 'alice', action: 'pull', repository: 'lib/b' },
          { actor: 'carol', action: 'delete', repository: 'lib/a' },
        ]),
      );
      expect(store.query({ limit: 10 }).map((r) => r.seq)).toEqual([4, 3, 2, 1]);
      expect(store.query({ actor: 'alice', limit: 10 }).map((r) => r.seq)).toEqual([3, 1]);
      expect(
        store.query({ action: 'pull', repository: 'lib/a', limit: 10 }).map((r) => r.seq),
      ).toEqual([2]);
      const t = (seq: number): number => 1_700_000_000_000 + seq * 1000;
      expect(store.query({ since: t(2), until: t(4), limit: 10 }).map((r) => r.seq)).toEqual([
        3, 2,
      ]);
      expect(store.query({ limit: 2 }).map((r) => r.seq)).toEqual([4, 3]);
      expect(store.query({ before: 3, limit: 2 }).map((r) => r.seq)).toEqual([2, 1]);
      store.close();
    });
  });
}
