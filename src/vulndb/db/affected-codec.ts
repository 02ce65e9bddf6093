import type {
  AffectedPackage,
  AffectedStatus,
  EventKind,
  RangeType,
  Severity,
  SeverityType,
  VersionRange,
} from '../model.js';
import { AFFECTED_STATUSES } from '../model.js';
import { CorruptRowError } from './codec.js';

/**
 * The `affected.data` column: one small JSON array-of-codes document per row, because a full
 * database holds a million of these (every CVE x package x Debian release). Short keys, one-letter
 * codes, and nothing that can be derived: the name when it equals the package key, `fixed` when
 * it equals the fixed events of the ranges. A typical distro row is about 40 bytes.
 *
 *   { n?: name, u?: purl, r?: [[type, [kind, version, ...], repo?]], v?: versions,
 *     f?: fixed, s?: [[type, score, source?]], o?: note }
 */

const RANGE_CODES: Readonly<Record<RangeType, string>> = { ECOSYSTEM: 'E', SEMVER: 'S', GIT: 'G' };
const EVENT_CODES: Readonly<Record<EventKind, string>> = {
  introduced: 'i',
  fixed: 'f',
  last_affected: 'l',
  limit: 'm',
};
const SEVERITY_CODES: Readonly<Record<SeverityType, string>> = {
  CVSS_V2: '2',
  CVSS_V3: '3',
  CVSS_V4: '4',
  LABEL: 'L',
};

function invert<K extends string>(codes: Readonly<Record<K, string>>): ReadonlyMap<string, K> {
  return new Map(Object.entries(codes).map(([key, code]) => [code as string, key as K]));
}
const RANGE_TYPES = invert(RANGE_CODES);
const EVENT_KINDS = invert(EVENT_CODES);
const SEVERITY_TYPES = invert(SEVERITY_CODES);

/** Every `fixed` event of the ECOSYSTEM and SEMVER ranges, once each, in order. */
export function fixedOfRanges(ranges: readonly VersionRange[]): string[] {
  const fixed = new Set<string>();
  for (const range of ranges) {
    if (range.type === 'GIT') continue;
    for (const event of range.events) if (event.kind === 'fixed') fixed.add(event.version);
  }
  return [...fixed];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

export function encodeAffectedData(affected: AffectedPackage, key: string): string {
  const doc: Record<string, unknown> = {};
  if (affected.name !== key) doc['n'] = affected.name;
  if (affected.purl !== undefined) doc['u'] = affected.purl;
  if (affected.ranges.length > 0) {
    doc['r'] = affected.ranges.map((range) => {
      const events = range.events.flatMap((event) => [EVENT_CODES[event.kind], event.version]);
      return range.repo === undefined
        ? [RANGE_CODES[range.type], events]
        : [RANGE_CODES[range.type], events, range.repo];
    });
  }
  if (affected.versions.length > 0) doc['v'] = affected.versions;
  if (!sameList(affected.fixed, fixedOfRanges(affected.ranges))) doc['f'] = affected.fixed;
  if (affected.severity.length > 0) {
    doc['s'] = affected.severity.map((s) =>
      s.source === undefined
        ? [SEVERITY_CODES[s.type], s.score]
        : [SEVERITY_CODES[s.type], s.score, s.source],
    );
  }
  if (affected.note !== undefined) doc['o'] = affected.note;
  return JSON.stringify(doc);
}

function strings(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new CorruptRowError(`affected entry ${what} is not a list of strings`);
  }
  return value;
}

function code<T>(codes: ReadonlyMap<string, T>, value: unknown, what: string): T {
  const decoded = typeof value === 'string' ? codes.get(value) : undefined;
  if (decoded === undefined)
    throw new CorruptRowError(`affected entry has an unknown ${what} ${String(value)}`);
  return decoded;
}

function tuples(value: unknown, what: string): unknown[][] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item): item is unknown[] => Array.isArray(item))) {
    throw new CorruptRowError(`affected entry ${what} is malformed`);
  }
  return value;
}

function decodeRanges(value: unknown): VersionRange[] {
  return tuples(value, 'ranges').map(([type, events, repo]) => {
    const flat = strings(events, 'range events');
    if (flat.length === 0 || flat.length % 2 !== 0)
      throw new CorruptRowError('affected entry has a malformed range');
    const decoded = [];
    for (let i = 0; i < flat.length; i += 2)
      decoded.push({ kind: code(EVENT_KINDS, flat[i], 'event'), version: flat[i + 1] ?? '' });
    if (repo !== undefined && typeof repo !== 'string')
      throw new CorruptRowError('affected entry has a malformed range repo');
    return {
      type: code(RANGE_TYPES, type, 'range type'),
      events: decoded,
      ...(repo === undefined ? {} : { repo }),
    };
  });
}

function decodeSeverity(value: unknown): Severity[] {
  return tuples(value, 'severity').map(([type, score, source]) => {
    if (typeof score !== 'string' || (source !== undefined && typeof source !== 'string')) {
      throw new CorruptRowError('affected entry has a malformed severity');
    }
    return {
      type: code(SEVERITY_TYPES, type, 'severity type'),
      score,
      ...(source === undefined ? {} : { source }),
    };
  });
}

function optional(doc: Record<string, unknown>, key: string): string | undefined {
  const value = doc[key];
  if (value !== undefined && typeof value !== 'string')
    throw new CorruptRowError(`affected entry field ${key} is not a string`);
  return value;
}

export function decodeAffectedData(
  ecosystem: string,
  key: string,
  status: string,
  text: string,
): AffectedPackage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CorruptRowError('affected entry is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CorruptRowError('affected entry is not an object');
  const doc = parsed as Record<string, unknown>;
  if (!(AFFECTED_STATUSES as readonly string[]).includes(status))
    throw new CorruptRowError(`affected entry has an unknown status ${status}`);
  const ranges = decodeRanges(doc['r']);
  const purl = optional(doc, 'u');
  const note = optional(doc, 'o');
  return {
    ecosystem,
    name: optional(doc, 'n') ?? key,
    status: status as AffectedStatus,
    ranges,
    versions: strings(doc['v'], 'versions'),
    fixed: doc['f'] === undefined ? fixedOfRanges(ranges) : strings(doc['f'], 'fixed'),
    severity: decodeSeverity(doc['s']),
    ...(purl === undefined ? {} : { purl }),
    ...(note === undefined ? {} : { note }),
  };
}
