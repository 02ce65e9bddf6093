import type { Finding } from '../../match/index.js';
import type { SqliteDatabase } from '../../store/index.js';

export type ChangeTrigger = 'scan' | 'rescan';

/** One change of an image's findings: what a scan or a database update added and removed. */
export interface FindingChange {
  readonly at: string;
  readonly trigger: ChangeTrigger;
  readonly dbBuiltAt: string | undefined;
  /** `ID package@version`, e.g. `CVE-2021-44906 minimist@1.2.5`. */
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

function packageKey(finding: Finding): string {
  return `${finding.package.name}@${finding.package.version}`;
}

function label(finding: string, pkg: string): string {
  return `${finding} ${pkg}`;
}

/**
 * When each finding of an image appeared and went away. A finding is a vulnerability id in a
 * package (name@version); one that goes and comes back is open again from its return.
 */
export class FindingHistory {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  /** Compares `findings` with the open history of `digest`, records the difference, returns it. */
  record(
    digest: string,
    findings: readonly Finding[],
    at: number,
    trigger: ChangeTrigger,
    dbBuiltAt: string | undefined,
  ): { added: string[]; removed: string[] } {
    const open = new Map<string, { finding: string; pkg: string }>();
    for (const row of this.#db
      .prepare<[string], { finding: string; package: string }>(
        'SELECT finding, package FROM finding_history WHERE digest = ? AND resolved_at IS NULL',
      )
      .all(digest)) {
      open.set(label(row.finding, row.package), { finding: row.finding, pkg: row.package });
    }
    const current = new Map<string, Finding>();
    for (const finding of findings) current.set(label(finding.id, packageKey(finding)), finding);
    const added = [...current.keys()].filter((key) => !open.has(key)).sort();
    const removed = [...open.keys()].filter((key) => !current.has(key)).sort();
    if (added.length === 0 && removed.length === 0) return { added, removed };
    const upsert = this.#db.prepare(
      `INSERT INTO finding_history (digest, finding, package, severity, first_seen, resolved_at) VALUES (?, ?, ?, ?, ?, NULL)
       ON CONFLICT(digest, finding, package) DO UPDATE SET severity = excluded.severity, first_seen = excluded.first_seen, resolved_at = NULL`,
    );
    const resolve = this.#db.prepare(
      'UPDATE finding_history SET resolved_at = ? WHERE digest = ? AND finding = ? AND package = ?',
    );
    this.#db.transaction(() => {
      for (const key of added) {
        const finding = current.get(key);
        if (finding) upsert.run(digest, finding.id, packageKey(finding), finding.severity, at);
      }
      for (const key of removed) {
        const gone = open.get(key);
        if (gone) resolve.run(at, digest, gone.finding, gone.pkg);
      }
      this.#db
        .prepare(
          'INSERT INTO scan_changes (digest, at, trigger, db_built_at, added, removed) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(
          digest,
          at,
          trigger,
          dbBuiltAt ?? null,
          JSON.stringify(added),
          JSON.stringify(removed),
        );
    })();
    return { added, removed };
  }

  /** When each open finding of `digest` was first seen, by `ID package@version`. */
  firstSeen(digest: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const row of this.#db
      .prepare<[string], { finding: string; package: string; first_seen: number }>(
        'SELECT finding, package, first_seen FROM finding_history WHERE digest = ? AND resolved_at IS NULL',
      )
      .all(digest)) {
      out.set(label(row.finding, row.package), row.first_seen);
    }
    return out;
  }

  changes(digest: string, limit = 100): FindingChange[] {
    return this.#db
      .prepare<
        [string, number],
        {
          at: number;
          trigger: ChangeTrigger;
          db_built_at: string | null;
          added: string;
          removed: string;
        }
      >(
        'SELECT at, trigger, db_built_at, added, removed FROM scan_changes WHERE digest = ? ORDER BY id DESC LIMIT ?',
      )
      .all(digest, limit)
      .map((row) => ({
        at: new Date(row.at).toISOString(),
        trigger: row.trigger,
        dbBuiltAt: row.db_built_at ?? undefined,
        added: JSON.parse(row.added) as string[],
        removed: JSON.parse(row.removed) as string[],
      }));
  }
}

export function historyKey(finding: Finding): string {
  return label(finding.id, packageKey(finding));
}
