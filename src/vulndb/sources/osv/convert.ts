import type {
  Advisory,
  AffectedPackage,
  EventKind,
  RangeEvent,
  Severity,
  SeverityType,
  VersionRange,
} from '../../model.js';
import { normalizeDate } from '../../normalize.js';
import type { OsvAffected, OsvRecord } from './schema.js';

const CVSS_TYPES: ReadonlySet<string> = new Set<SeverityType>(['CVSS_V2', 'CVSS_V3', 'CVSS_V4']);

/** CVSS vectors stay as given; qualitative types (OSV's `Ubuntu`) become labels. */
function convertSeverity(list: readonly { type: string; score: string }[]): Severity[] {
  return list.map((item) =>
    CVSS_TYPES.has(item.type)
      ? { type: item.type as SeverityType, score: item.score }
      : { type: 'LABEL', score: item.score, source: item.type.toLowerCase() },
  );
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** The database a record comes from, by its id prefix: GHSA, GO, PYSEC, RUSTSEC, DEBIAN, ... */
function databaseOf(id: string): string {
  return (id.split('-')[0] ?? id).toLowerCase();
}

function convertEvents(events: OsvAffected['ranges'][number]['events']): RangeEvent[] {
  return events.map((event) => {
    for (const kind of [
      'introduced',
      'fixed',
      'last_affected',
      'limit',
    ] as const satisfies readonly EventKind[]) {
      const version = event[kind];
      if (version !== undefined) return { kind, version };
    }
    // The schema guarantees exactly one key; this line is unreachable for parsed input.
    throw new Error('event without a version');
  });
}

function convertAffected(
  entry: OsvAffected & { package: NonNullable<OsvAffected['package']> },
): AffectedPackage {
  const ranges: VersionRange[] = entry.ranges.map((range) => ({
    type: range.type,
    ...(range.repo === undefined ? {} : { repo: range.repo }),
    events: convertEvents(range.events),
  }));
  const fixed = [
    ...new Set(
      ranges.flatMap((range) =>
        range.type === 'GIT'
          ? []
          : range.events.filter((e) => e.kind === 'fixed').map((e) => e.version),
      ),
    ),
  ];
  return {
    ecosystem: entry.package.ecosystem,
    name: entry.package.name,
    ...(entry.package.purl === undefined ? {} : { purl: entry.package.purl }),
    // OSV has no distro status: a fix for some line of versions is "fixed", none is "affected".
    // Which versions are affected is always decided by the ranges and versions.
    status: fixed.length > 0 ? 'fixed' : 'affected',
    ranges,
    versions: entry.versions,
    fixed,
    severity: convertSeverity(entry.severity),
  };
}

function primaryUrl(record: OsvRecord): string {
  const url = field(record.database_specific, 'url');
  if (typeof url === 'string' && /^https:\/\//.test(url)) return url;
  if (record.id.startsWith('GHSA-')) return `https://github.com/advisories/${record.id}`;
  return `https://osv.dev/vulnerability/${record.id}`;
}

export type ConvertResult =
  | { readonly ok: true; readonly advisory: Advisory }
  | { readonly ok: false; readonly field: string; readonly reason: string };

/** One parsed OSV record -> the normalized model. Dates that are not dates fail the record. */
export function convertOsvRecord(record: OsvRecord): ConvertResult {
  const modified = normalizeDate(record.modified);
  if (modified === undefined)
    return { ok: false, field: 'modified', reason: `not a timestamp: ${record.modified}` };
  const dates: Partial<Record<'published' | 'withdrawn', string>> = {};
  for (const key of ['published', 'withdrawn'] as const) {
    const raw = record[key];
    if (raw === undefined) continue;
    const value = normalizeDate(raw);
    if (value === undefined) return { ok: false, field: key, reason: `not a timestamp: ${raw}` };
    dates[key] = value;
  }
  const severity = convertSeverity(record.severity);
  const label = field(record.database_specific, 'severity');
  if (typeof label === 'string' && label.trim() !== '')
    severity.push({ type: 'LABEL', score: label.trim(), source: databaseOf(record.id) });
  const cwes = field(record.database_specific, 'cwe_ids');
  const affected = record.affected.filter(
    (entry): entry is typeof entry & { package: NonNullable<OsvAffected['package']> } =>
      entry.package !== undefined,
  );
  return {
    ok: true,
    advisory: {
      id: record.id,
      aliases: record.aliases,
      // `upstream` (OSV 1.7) names the records a distro record derives from: related, not the same.
      related: [...new Set([...record.related, ...record.upstream])],
      ...(record.summary === undefined ? {} : { summary: record.summary }),
      ...(record.details === undefined ? {} : { details: record.details }),
      severity,
      cwes: Array.isArray(cwes)
        ? cwes.filter((cwe): cwe is string => typeof cwe === 'string' && cwe !== '')
        : [],
      references: record.references,
      url: primaryUrl(record),
      modified,
      ...dates,
      affected: affected.map(convertAffected),
    },
  };
}
