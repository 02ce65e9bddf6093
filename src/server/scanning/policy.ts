import * as z from 'zod';
import { SEVERITIES, type Severity } from '../../rules/index.js';
import type { SqliteDatabase } from '../../store/index.js';

/** A project's pull gate: block images with a finding at or above a severity, and/or not yet scanned. */
export interface ScanPolicy {
  readonly blockSeverity: Severity | undefined;
  readonly blockUnscanned: boolean;
}

export const NO_POLICY: ScanPolicy = { blockSeverity: undefined, blockUnscanned: false };

const severity = z.preprocess(
  (value) => (typeof value === 'string' ? value.toUpperCase() : value),
  z.enum(SEVERITIES as [Severity, ...Severity[]]),
);

/** A policy as the API and the config file write it; `null` or absent clears the severity rule. */
export const scanPolicySchema = z
  .object({
    blockSeverity: severity.nullable().optional(),
    blockUnscanned: z.boolean().optional(),
  })
  .strict();

export type ScanPolicyInput = z.infer<typeof scanPolicySchema>;

export function toPolicy(input: ScanPolicyInput): ScanPolicy {
  return {
    blockSeverity: input.blockSeverity ?? undefined,
    blockUnscanned: input.blockUnscanned ?? false,
  };
}

export function isActive(policy: ScanPolicy): boolean {
  return policy.blockSeverity !== undefined || policy.blockUnscanned;
}

/** The project of a repository: its first path component (`lib` for `lib/alpine`). */
export function projectOf(repository: string): string {
  const slash = repository.indexOf('/');
  return slash < 0 ? repository : repository.slice(0, slash);
}

export interface StoredPolicy extends ScanPolicy {
  readonly project: string;
  readonly updatedAt: number;
  readonly updatedBy: string;
}

/** Policies set through the API; they override the config file's `scanning.projects` entry. */
export class PolicyStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  list(): StoredPolicy[] {
    return this.#db
      .prepare<
        [],
        {
          project: string;
          block_severity: string | null;
          block_unscanned: number;
          updated_at: number;
          updated_by: string;
        }
      >('SELECT * FROM policies ORDER BY project')
      .all()
      .map((row) => ({
        project: row.project,
        blockSeverity: (row.block_severity ?? undefined) as Severity | undefined,
        blockUnscanned: row.block_unscanned === 1,
        updatedAt: row.updated_at,
        updatedBy: row.updated_by,
      }));
  }

  set(project: string, policy: ScanPolicy, actor: string, at = Date.now()): void {
    this.#db
      .prepare(
        'INSERT OR REPLACE INTO policies (project, block_severity, block_unscanned, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)',
      )
      .run(project, policy.blockSeverity ?? null, policy.blockUnscanned ? 1 : 0, at, actor);
  }

  delete(project: string): boolean {
    return this.#db.prepare('DELETE FROM policies WHERE project = ?').run(project).changes > 0;
  }
}
