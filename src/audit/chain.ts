import { hash } from 'node:crypto';
import type { AuditRow } from '../store/index.js';

/** What the first record chains to. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of one record: SHA-256 over a JSON array of every stored field in a fixed order,
 * ending with the previous record's hash. The sequence number is inside, so moving a record is
 * as visible as editing it; the details are hashed as the exact text stored.
 */
export function recordHash(row: Omit<AuditRow, 'hash'>): string {
  const fields = [
    row.seq,
    row.time,
    row.actor,
    row.action,
    row.targetType,
    row.repository ?? null,
    row.target ?? null,
    row.address ?? null,
    row.result,
    row.details,
    row.prevHash,
  ];
  return hash('sha256', JSON.stringify(fields), 'hex');
}
