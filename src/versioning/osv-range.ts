import { VersionError, quoteForError } from './errors.js';
import type { VersioningApi } from './types.js';

/** One OSV range event; exactly one key is set. */
export type OsvEvent =
  | { readonly introduced: string }
  | { readonly fixed: string }
  | { readonly last_affected: string }
  | { readonly limit: string };

export interface OsvRange {
  readonly type: string;
  readonly events: readonly OsvEvent[];
}

/** The version part of an OSV `affected[]` entry. */
export interface OsvAffected {
  readonly ranges?: readonly OsvRange[];
  readonly versions?: readonly string[];
}

interface Event {
  readonly kind: 'introduced' | 'fixed' | 'last_affected' | 'limit';
  readonly version: string;
}

function eventOf(event: OsvEvent): Event {
  if ('introduced' in event) return { kind: 'introduced', version: event.introduced };
  if ('fixed' in event) return { kind: 'fixed', version: event.fixed };
  if ('last_affected' in event) return { kind: 'last_affected', version: event.last_affected };
  return { kind: 'limit', version: event.limit };
}

/**
 * Whether `version` is affected per an OSV `affected[]` entry, following the OSV schema's
 * evaluation algorithm (https://ossf.github.io/osv-schema/#evaluation): exact string match in
 * `versions`, or any ECOSYSTEM/SEMVER range whose sorted events leave it vulnerable and whose
 * limits (if any) it is below. GIT ranges say nothing about package versions and are skipped.
 */
export function isAffectedByOsv(
  api: VersioningApi,
  version: string,
  affected: OsvAffected,
): boolean {
  if (affected.versions?.includes(version)) return true;
  for (const range of affected.ranges ?? []) {
    if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') continue;
    if (isInOsvRange(api, version, range)) return true;
  }
  return false;
}

/**
 * One range. Events are sorted by version with `introduced: "0"` lowest; the sort is stable, so
 * events at the same version keep the order the feed wrote them in. A version that the scheme
 * cannot read (the package's or an event's) is a VersionError naming the event, never a silent
 * "not affected".
 */
export function isInOsvRange(api: VersioningApi, version: string, range: OsvRange): boolean {
  if (!api.isValid(version)) api.compare(version, version);
  const events = range.events.map(eventOf);
  for (const event of events) {
    if (event.kind === 'introduced' && event.version === '0') continue;
    if (!api.isValid(event.version)) {
      throw new VersionError(
        'INVALID_RANGE',
        `OSV ${event.kind} event ${quoteForError(event.version)} is not a valid version in this scheme`,
        {
          details: { event: event.kind, version: event.version.slice(0, 200) },
        },
      );
    }
  }
  const limits = events.filter((e) => e.kind === 'limit');
  if (limits.length > 0 && !limits.some((l) => api.compare(version, l.version) < 0)) return false;

  const sorted = events
    .filter((e) => e.kind !== 'limit')
    .sort((a, b) => {
      const aZero = a.kind === 'introduced' && a.version === '0';
      const bZero = b.kind === 'introduced' && b.version === '0';
      if (aZero || bZero) return aZero === bZero ? 0 : aZero ? -1 : 1;
      return api.compare(a.version, b.version);
    });
  let vulnerable = false;
  for (const event of sorted) {
    switch (event.kind) {
      case 'introduced':
        if (event.version === '0' || api.compare(version, event.version) >= 0) vulnerable = true;
        break;
      case 'fixed':
        if (api.compare(version, event.version) >= 0) vulnerable = false;
        break;
      case 'last_affected':
        if (api.compare(version, event.version) > 0) vulnerable = false;
        break;
      case 'limit':
        break;
    }
  }
  return vulnerable;
}
