import * as z from 'zod';
import type { AuditRow, AuditStore } from '../store/index.js';
import { AuditError } from './errors.js';
import type { AuditDetailValue, AuditRecord } from './model.js';

export const MAX_AUDIT_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

/** A time bound: an ISO 8601 timestamp, or milliseconds since the epoch. */
const instant = z.string().transform((text, ctx) => {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({
      code: 'custom',
      message: `not an ISO 8601 time or epoch milliseconds: "${text.slice(0, 40)}"`,
    });
    return z.NEVER;
  }
  return ms;
});

const filterText = z.string().min(1).max(256);

/** The filters `GET /api/v1/audit` and `lockyard audit list` accept, all as text. */
const auditQuerySchema = z
  .object({
    actor: filterText.optional(),
    action: filterText.optional(),
    repository: filterText.optional(),
    since: instant.optional(),
    until: instant.optional(),
    before: z.string().regex(/^\d+$/, 'expected a record number').transform(Number).optional(),
    limit: z
      .string()
      .regex(/^\d+$/, 'expected a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(MAX_AUDIT_LIMIT))
      .optional(),
  })
  .strict();

export interface ParsedAuditQuery {
  readonly actor: string | undefined;
  readonly action: string | undefined;
  readonly repository: string | undefined;
  readonly since: number | undefined;
  readonly until: number | undefined;
  readonly before: number | undefined;
  readonly limit: number;
}

/** Parses filters from untrusted text (query string, flags); a bad one names its field. */
export function parseAuditQuery(input: Readonly<Record<string, unknown>>): ParsedAuditQuery {
  const result = auditQuerySchema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const unknownKeys =
      issue && 'keys' in issue && Array.isArray(issue.keys) ? issue.keys.join(', ') : undefined;
    const field = unknownKeys ?? issue?.path.join('.') ?? 'query';
    const message = unknownKeys ? 'unknown filter' : (issue?.message ?? 'invalid');
    throw new AuditError('INVALID_QUERY', `audit query: ${field}: ${message}`, {
      details: { field },
    });
  }
  const q = result.data;
  if (q.since !== undefined && q.until !== undefined && q.since > q.until) {
    throw new AuditError('INVALID_QUERY', 'audit query: since: later than until', {
      details: { field: 'since' },
    });
  }
  return {
    actor: q.actor,
    action: q.action,
    repository: q.repository,
    since: q.since,
    until: q.until,
    before: q.before,
    limit: q.limit ?? DEFAULT_LIMIT,
  };
}

function parseDetails(text: string): Readonly<Record<string, AuditDetailValue>> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, AuditDetailValue>)
      : {};
  } catch {
    // A damaged row still lists; `audit verify` is what reports it.
    return {};
  }
}

export function toAuditRecord(row: AuditRow): AuditRecord {
  return {
    seq: row.seq,
    time: new Date(row.time).toISOString(),
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    repository: row.repository,
    target: row.target,
    address: row.address,
    result: row.result,
    details: parseDetails(row.details),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export interface AuditPage {
  readonly records: readonly AuditRecord[];
  /** Pass as `before` to get the next (older) page; absent on the last page. */
  readonly next: number | undefined;
}

/** Records matching the filters, newest first, one page at a time. */
export function queryAudit(store: AuditStore, query: ParsedAuditQuery): AuditPage {
  const rows = store.query({ ...query, limit: query.limit + 1 });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    records: page.map(toAuditRecord),
    next: rows.length > query.limit && last ? last.seq : undefined,
  };
}
