import * as z from 'zod';
import { firstIssue } from '../../issues.js';
import type { Advisory, AffectedPackage, AffectedStatus, Severity } from '../../model.js';
import { distroAffected } from '../../normalize.js';
import type { ImportSink } from '../../source.js';
import { debianEcosystem } from './releases.js';

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

/** One release's entry in the tracker JSON (security-tracker `tracker_service.py`, `_get_json`). */
const releaseSchema = z.object({
  status: z.enum(['resolved', 'open', 'undetermined']),
  fixed_version: optionalText,
  urgency: optionalText,
  nodsa: optionalText,
  nodsa_reason: optionalText,
  next_point_update: z.boolean().nullish(),
});

export const issueSchema = z.object({
  description: optionalText,
  debianbug: z.number().int().nullish(),
  scope: optionalText,
  releases: z.record(z.string().min(1), releaseSchema),
});

type Release = z.infer<typeof releaseSchema>;

/** Urgencies that rate severity; the rest ("not yet assigned", "end-of-life") say something else. */
const SEVERITY_URGENCIES = new Set(['unimportant', 'low', 'medium', 'high']);

/**
 * How the tracker says what it knows (see README.md):
 * - resolved + fixed_version "0": the release never had the vulnerable code -> not-affected;
 * - resolved + a version: fixed in that version;
 * - open + urgency "end-of-life": the package is out of security support -> end-of-life;
 * - open + nodsa_reason "ignored": the team decided not to fix it -> will-not-fix;
 * - open (also "postponed": fixed later in a point release), undetermined: affected, no fix.
 */
export function releaseStatus(
  release: Release,
): { status: AffectedStatus; fixed?: string; note?: string } | undefined {
  const notes: string[] = [];
  if (release.nodsa !== undefined && release.nodsa !== '') notes.push(release.nodsa);
  if (release.nodsa_reason !== undefined && release.nodsa_reason !== '')
    notes.push(`no DSA: ${release.nodsa_reason}`);
  if (release.next_point_update === true) notes.push('fix planned for the next point release');
  if (release.status === 'undetermined')
    notes.push('undetermined: the security team has not decided whether this release is affected');
  const note = notes.length > 0 ? { note: notes.join('; ') } : {};
  switch (release.status) {
    case 'resolved': {
      const fixed = release.fixed_version?.trim();
      if (fixed === undefined || fixed === '') return undefined;
      return fixed === '0'
        ? { status: 'not-affected', ...note }
        : { status: 'fixed', fixed, ...note };
    }
    case 'open':
    case 'undetermined': {
      const urgency = release.urgency?.replace(/\*+$/, '').trim();
      if (urgency === 'end-of-life') return { status: 'end-of-life', ...note };
      if (release.nodsa_reason === 'ignored') return { status: 'will-not-fix', ...note };
      return { status: 'affected', ...note };
    }
  }
}

function severityOf(release: Release): Severity[] {
  // A trailing * or ** marks an urgency the team derived rather than assessed; the level stands.
  const urgency = release.urgency?.replace(/\*+$/, '').trim();
  return urgency !== undefined && SEVERITY_URGENCIES.has(urgency)
    ? [{ type: 'LABEL', score: urgency, source: 'debian' }]
    : [];
}

/** One `package -> { issue -> {...} }` entry of the tracker JSON -> one fragment per issue. */
export function importPackage(
  name: string,
  issues: unknown,
  origin: string,
  sink: ImportSink,
): void {
  if (typeof issues !== 'object' || issues === null || Array.isArray(issues)) {
    sink.skip({ file: origin, field: name }, 'package entry is not an object of issues');
    return;
  }
  for (const [id, value] of Object.entries(issues as Record<string, unknown>)) {
    const field = `${name}.${id}`;
    if (!/^[A-Z][A-Z0-9]*-[A-Za-z0-9-]+$/.test(id)) {
      sink.skip({ file: origin, field }, `not an issue id: ${id}`);
      continue;
    }
    const parsed = issueSchema.safeParse(value);
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      sink.skip({ file: origin, field: `${field}.${issue.field}` }, issue.reason);
      continue;
    }
    const affected: AffectedPackage[] = [];
    for (const [codename, release] of Object.entries(parsed.data.releases)) {
      const { ecosystem, known } = debianEcosystem(codename);
      if (!known)
        sink.note(
          { file: origin, field: `${field}.releases.${codename}` },
          `unknown Debian release ${codename}, stored as ${ecosystem}`,
        );
      const status = releaseStatus(release);
      if (status === undefined) {
        sink.skip(
          { file: origin, field: `${field}.releases.${codename}.fixed_version` },
          'resolved without a fixed version',
        );
        continue;
      }
      affected.push(
        distroAffected(ecosystem, name, status.status, status.fixed, {
          severity: severityOf(release),
          ...(status.note === undefined ? {} : { note: status.note }),
        }),
      );
    }
    const bug = parsed.data.debianbug;
    const advisory: Advisory = {
      id,
      aliases: [],
      related: [],
      ...(parsed.data.description === undefined ? {} : { summary: parsed.data.description }),
      severity: [],
      cwes: [],
      references:
        bug === undefined || bug === null
          ? []
          : [{ type: 'REPORT', url: `https://bugs.debian.org/${bug}` }],
      url: `https://security-tracker.debian.org/tracker/${id}`,
      affected,
    };
    sink.add(advisory, { file: origin, field }, { fragment: true });
  }
}
