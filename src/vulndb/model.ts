import * as z from 'zod';

/**
 * The normalized advisory model every source produces and the database stores. It follows the
 * OSV schema (https://ossf.github.io/osv-schema/) where OSV has a concept, and adds what distro
 * feeds say that OSV cannot: a per-release status (fixed, unfixed, will-not-fix, ...).
 */

/**
 * What a feed says about one package in one ecosystem (for distros: one source package in one
 * release).
 * - `fixed`: a fixed version exists (OSV: some range has a `fixed` event).
 * - `affected`: affected and no fix is available yet (distro "open"/"unfixed"; OSV with no fix).
 * - `will-not-fix`: affected, and the distro decided not to fix it in this release.
 * - `not-affected`: the distro states this release was never affected (nothing to report).
 * - `end-of-life`: affected, and the package is no longer supported in this release.
 */
export const AFFECTED_STATUSES = [
  'fixed',
  'affected',
  'will-not-fix',
  'not-affected',
  'end-of-life',
] as const;
export type AffectedStatus = (typeof AFFECTED_STATUSES)[number];

export const RANGE_TYPES = ['ECOSYSTEM', 'SEMVER', 'GIT'] as const;
export type RangeType = (typeof RANGE_TYPES)[number];

export const EVENT_KINDS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** One OSV range event: `introduced 0`, `fixed 1.2.3`, `last_affected 2.0`, `limit 3.0`. */
export interface RangeEvent {
  readonly kind: EventKind;
  readonly version: string;
}

export interface VersionRange {
  readonly type: RangeType;
  /** The repository of a GIT range. */
  readonly repo?: string;
  readonly events: readonly RangeEvent[];
}

/**
 * A severity as the feed gives it: CVSS vectors (v2, v3.x, v4.0) verbatim, or a qualitative
 * label (GitHub's `MODERATE`, Debian's urgency `low`, Ubuntu's priority) with who assigned it.
 */
export const SEVERITY_TYPES = ['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'LABEL'] as const;
export type SeverityType = (typeof SEVERITY_TYPES)[number];

export interface Severity {
  readonly type: SeverityType;
  readonly score: string;
  /** Who assigned a LABEL: `debian`, `ghsa`, `ubuntu`, ... */
  readonly source?: string;
}

export interface Reference {
  /** OSV reference type: ADVISORY, WEB, FIX, REPORT, PACKAGE, ARTICLE, ... */
  readonly type: string;
  readonly url: string;
}

export interface AffectedPackage {
  /** OSV ecosystem string: `Go`, `PyPI`, `npm`, `Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04:LTS`. */
  readonly ecosystem: string;
  /** The package name as the feed writes it; for distros the SOURCE package name. */
  readonly name: string;
  readonly purl?: string;
  readonly status: AffectedStatus;
  readonly ranges: readonly VersionRange[];
  /** Explicitly enumerated affected versions (OSV `versions`). */
  readonly versions: readonly string[];
  /** Every version the feed names as fixing this package (from `fixed` events). */
  readonly fixed: readonly string[];
  /** Severity for this package only (Debian urgency per release, OSV `affected[].severity`). */
  readonly severity: readonly Severity[];
  /** The feed's own words on the status (nodsa reason, "not applicable", ...). */
  readonly note?: string;
}

export interface Advisory {
  /** The feed's id: `GO-2022-0956`, `GHSA-...`, `CVE-2023-1234`, `DSA-5418-1`. */
  readonly id: string;
  /** Ids of the same vulnerability elsewhere (CVE ids). */
  readonly aliases: readonly string[];
  /** Ids of related but different records (a DSA naming several CVEs). */
  readonly related: readonly string[];
  readonly summary?: string;
  readonly details?: string;
  readonly severity: readonly Severity[];
  readonly cwes: readonly string[];
  readonly references: readonly Reference[];
  /** The page a person should read first. */
  readonly url?: string;
  /** ISO 8601 timestamps. */
  readonly published?: string;
  readonly modified?: string;
  readonly withdrawn?: string;
  readonly affected: readonly AffectedPackage[];
}

const text = z.string().min(1, 'must not be empty');
const isoDate = z.iso.datetime({ offset: true, error: 'not an ISO 8601 timestamp' });

const rangeSchema = z
  .object({
    type: z.enum(RANGE_TYPES),
    repo: text.optional(),
    events: z
      .array(z.object({ kind: z.enum(EVENT_KINDS), version: text }))
      .min(1, 'a range needs at least one event'),
  })
  .refine((range) => range.type !== 'GIT' || range.repo !== undefined, {
    error: 'a GIT range needs a repo',
    path: ['repo'],
  });

const severitySchema = z.object({
  type: z.enum(SEVERITY_TYPES),
  score: text,
  source: text.optional(),
});

/** The gate every record passes on its way into the database, whichever source made it. */
export const advisorySchema = z.object({
  id: text.max(256),
  aliases: z.array(text),
  related: z.array(text),
  summary: z.string().optional(),
  details: z.string().optional(),
  severity: z.array(severitySchema),
  cwes: z.array(text),
  references: z.array(z.object({ type: text, url: text })),
  url: text.optional(),
  published: isoDate.optional(),
  modified: isoDate.optional(),
  withdrawn: isoDate.optional(),
  affected: z.array(
    z.object({
      ecosystem: text,
      name: text,
      purl: text.optional(),
      status: z.enum(AFFECTED_STATUSES),
      ranges: z.array(rangeSchema),
      versions: z.array(text),
      fixed: z.array(text),
      severity: z.array(severitySchema),
      note: z.string().optional(),
    }),
  ),
});

/** An advisory as stored: the record without its affected list, plus the source that said it. */
export type StoredAdvisory = Omit<Advisory, 'affected'> & { readonly source: string };

/** One answer to `lookup(ecosystem, name)`: what one advisory says about that package. */
export interface AffectedRecord extends AffectedPackage {
  readonly advisory: StoredAdvisory;
}
