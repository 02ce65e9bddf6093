import type { AuditHead, AuditRow, AuditStore } from '../store/index.js';
import { GENESIS_HASH, recordHash } from './chain.js';

export type VerifyResult =
  | { readonly ok: true; readonly records: number; readonly head: AuditHead | undefined }
  | {
      readonly ok: false;
      /** Records that checked out before the first broken one. */
      readonly records: number;
      /** The first record that does not check out (or the first missing sequence number). */
      readonly seq: number;
      readonly reason: string;
    };

function describe(row: AuditRow): string {
  const where = row.repository ?? row.target ?? row.targetType;
  return `${new Date(row.time).toISOString()} ${row.action} ${where} by ${row.actor}`;
}

/**
 * Walks the chain from the first record: sequence numbers without gaps, each record's previous
 * hash equal to the hash of the record before it, and each stored hash equal to the hash of the
 * stored fields. Stops at the first record that fails and says which and why.
 */
export function verifyAuditChain(store: AuditStore): VerifyResult {
  let expected = 1;
  let previous = GENESIS_HASH;
  let head: AuditHead | undefined;
  for (const row of store.scan(1)) {
    if (row.seq !== expected) {
      const missing =
        row.seq - 1 === expected
          ? `record ${expected} is`
          : `records ${expected}-${row.seq - 1} are`;
      return {
        ok: false,
        records: expected - 1,
        seq: expected,
        reason: `${missing} missing: deleted from the log`,
      };
    }
    if (row.prevHash !== previous) {
      return {
        ok: false,
        records: expected - 1,
        seq: row.seq,
        reason: `record ${row.seq} (${describe(row)}) does not link to record ${row.seq - 1}: a record before it was replaced`,
      };
    }
    if (recordHash(row) !== row.hash) {
      return {
        ok: false,
        records: expected - 1,
        seq: row.seq,
        reason: `record ${row.seq} (${describe(row)}) does not match its hash: it was edited after it was written`,
      };
    }
    previous = row.hash;
    head = { seq: row.seq, hash: row.hash };
    expected += 1;
  }
  return { ok: true, records: expected - 1, head };
}
