import { createHash } from 'node:crypto';
import type { Severity } from '../rules/index.js';
import { lookupKey, type LookupKey } from './ecosystem.js';
import type { MatchInput } from './match-input.js';
import type { Matcher } from './matcher.js';

/**
 * The continuous-rescan path. Stored SBOMs are kept as integer references into one shared table
 * of lookup keys (ecosystem, name, version): a registry of 10,000 images holds a few tens of
 * thousands of distinct package versions, not millions of package objects. Re-matching after a
 * database update matches each distinct key once, then reads every SBOM as a list of integers.
 */
export class PackageKeyTable {
  private readonly index = new Map<string, number>();
  readonly keys: LookupKey[] = [];

  intern(key: LookupKey): number {
    const text = `${key.ecosystem}\0${key.name}\0${key.version}\0${key.binaryName ?? ''}`;
    let at = this.index.get(text);
    if (at === undefined) {
      at = this.keys.length;
      this.keys.push(key);
      this.index.set(text, at);
    }
    return at;
  }

  /**
   * The stored form of an SBOM: one integer per matchable package. Packages owned by an OS
   * package are stored negated (-1 - index) so a rescan can include or skip them.
   */
  encode(input: MatchInput): Int32Array {
    const out: number[] = [];
    for (const pkg of input.packages) {
      const key = lookupKey(pkg, input.os);
      if (!key) continue;
      const at = this.intern(key);
      out.push(pkg.ownedBy ? -1 - at : at);
    }
    return Int32Array.from(out);
  }

  /** Rebuilds a table from stored keys (in index order), e.g. loaded from the registry database. */
  static from(keys: readonly LookupKey[]): PackageKeyTable {
    const table = new PackageKeyTable();
    for (const key of keys) table.intern(key);
    return table;
  }
}

export interface RescanResult {
  readonly id: string;
  /** Distinct finding ids, sorted. */
  readonly findings: readonly string[];
  readonly counts: Readonly<Record<Severity, number>>;
  /** sha256 over the finding ids and severities: compare with the stored one to see a change. */
  readonly digest: string;
}

/** Re-matches stored SBOMs (as encoded by PackageKeyTable) against the matcher's database. */
export function rescan(
  matcher: Matcher,
  table: PackageKeyTable,
  sboms: Iterable<{ readonly id: string; readonly keys: Int32Array }>,
  options: { readonly includeOsOwned?: boolean } = {},
): RescanResult[] {
  const perKey = new Map<number, readonly { id: string; severity: Severity }[]>();
  const findingsOf = (index: number): readonly { id: string; severity: Severity }[] => {
    let known = perKey.get(index);
    if (!known) {
      const key = table.keys[index];
      known = key
        ? matcher.coresFor(key).map((core) => ({ id: core.id, severity: core.severity }))
        : [];
      perKey.set(index, known);
    }
    return known;
  };
  const results: RescanResult[] = [];
  for (const sbom of sboms) {
    const seen = new Map<string, Severity>();
    for (const raw of sbom.keys) {
      if (raw < 0 && !options.includeOsOwned) continue;
      for (const finding of findingsOf(raw < 0 ? -1 - raw : raw))
        seen.set(finding.id, finding.severity);
    }
    const ids = [...seen.keys()].sort();
    const counts = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 };
    const hash = createHash('sha256');
    for (const id of ids) {
      const severity = seen.get(id) ?? 'UNKNOWN';
      counts[severity] += 1;
      hash.update(`${id}:${severity}\n`);
    }
    results.push({ id: sbom.id, findings: ids, counts, digest: hash.digest('hex') });
  }
  return results;
}
