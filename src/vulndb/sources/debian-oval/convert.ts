import type { Advisory, AffectedPackage, Reference } from '../../model.js';
import { CVE_ID, distroAffected, normalizeDate } from '../../normalize.js';
import type { ImportSink } from '../../source.js';
import { definitionsOf, type OvalDefinition, type OvalDocument } from './parse-oval.js';

/**
 * Debian generates OVAL from its security tracker: a package fixed in a release gets
 * "less than <fixed version>"; a package still open (or undetermined) gets "less than 0", which
 * no installed version satisfies, so an OVAL interpreter would never flag it. Lockyard reads it
 * as what the generator meant: affected, no fix yet. Packages the tracker marks not-affected get
 * no definition at all, and OVAL carries no will-not-fix or end-of-life marker.
 */
const UNFIXED_EVR = /^(?:0:)?0$/;

const RELEASE = /Debian GNU\/Linux (?<release>\d+(?:\.\d+)?)/;

interface PackageFix {
  readonly ecosystem: string;
  readonly name: string;
  /** Undefined when the generator wrote "0" (still open in this release). */
  readonly fixed: string | undefined;
}

/** `0:2.2-1` -> `2.2-1`: the zero epoch the generator prepends is not part of Debian's version. */
function debianVersion(evr: string): string {
  return evr.startsWith('0:') ? evr.slice(2) : evr;
}

/** `12` -> `12`; point releases of old files (`7.0`, `8.2`) -> the major, as OSV spells them. */
function debianRelease(version: string): string {
  const [major = version, minor] = version.split('.');
  return minor !== undefined && Number(major) >= 4 ? major : version;
}

function releaseOf(definition: OvalDefinition): string | undefined {
  for (const platform of definition.platforms) {
    const release = RELEASE.exec(platform)?.groups?.['release'];
    if (release !== undefined) return debianRelease(release);
  }
  return undefined;
}

function packageFixes(
  definition: OvalDefinition,
  platformRelease: string | undefined,
  doc: OvalDocument,
  origin: string,
  sink: ImportSink,
): PackageFix[] {
  const fixes: PackageFix[] = [];
  for (const { ref, release: criteriaRelease } of definition.testRefs) {
    const test = doc.tests.get(ref);
    if (test === undefined) {
      sink.note(
        { file: origin, field: `${definition.id}.criteria` },
        `criterion refers to missing test ${ref}`,
      );
      continue;
    }
    // Release and architecture tests (textfilecontent54, uname) carry no package.
    if (test.kind !== 'dpkginfo_test') continue;
    const name = test.objectRef === undefined ? undefined : doc.objects.get(test.objectRef);
    const state = test.stateRef === undefined ? undefined : doc.states.get(test.stateRef);
    if (name === undefined || name === '' || state === undefined || state.evr === '') {
      sink.note(
        { file: origin, field: `${definition.id}.criteria` },
        `test ${ref} has no package name or version`,
      );
      continue;
    }
    if (state.operation !== 'less than') {
      sink.note(
        { file: origin, field: `${definition.id}.criteria` },
        `test ${ref} uses operation '${state.operation}', only 'less than' is read`,
      );
      continue;
    }
    const release =
      criteriaRelease === undefined ? platformRelease : debianRelease(criteriaRelease);
    // No release for this test: the caller's skip names the definition if nothing resolves.
    if (release === undefined) continue;
    fixes.push({
      ecosystem: `Debian:${release}`,
      name,
      fixed: UNFIXED_EVR.test(state.evr) ? undefined : debianVersion(state.evr),
    });
  }
  return fixes;
}

/**
 * Definitions enriched from a DSA carry the DSA's stock description ("security update") and
 * the real text in <moreinfo>; the more specific text wins.
 */
function describe(definition: OvalDefinition): string | undefined {
  const generic =
    definition.description === '' || /^security update$/i.test(definition.description);
  if (generic && definition.moreinfo !== '') return definition.moreinfo;
  return definition.description === '' ? undefined : definition.description;
}

function trackerUrl(id: string): string {
  return `https://security-tracker.debian.org/tracker/${id}`;
}

export interface ResolvedDefinition {
  readonly advisory: Advisory;
  readonly field: string;
}

/**
 * Turns the definitions of one OVAL file into advisories. CVE definitions become one record per
 * CVE and source package. A DSA definition (class "patch") repeats what its CVEs' definitions
 * say, so it is folded into them as a related id; it becomes a record of its own only when
 * some CVE it names has no definition for that package.
 */
export function resolveDefinitions(
  doc: OvalDocument,
  origin: string,
  sink: ImportSink,
): ResolvedDefinition[] {
  const out: ResolvedDefinition[] = [];
  const cveRecords = new Map<string, { advisory: Advisory; related: Set<string> }>();
  const patches: { definition: OvalDefinition; fixes: PackageFix[] }[] = [];
  for (const definition of definitionsOf(doc)) {
    const field = definition.id || '(definition without id)';
    const id = definition.title.split(/\s+/)[0] ?? '';
    if (id === '') {
      sink.skip(
        { file: origin, field: `${field}.metadata.title` },
        'definition has no title to take its id from',
      );
      continue;
    }
    const platformRelease = releaseOf(definition);
    const fixes = packageFixes(definition, platformRelease, doc, origin, sink);
    if (fixes.length === 0) {
      sink.skip(
        platformRelease === undefined
          ? { file: origin, field: `${field}.metadata.affected.platform` }
          : { file: origin, field: `${field}.criteria` },
        platformRelease === undefined
          ? `${id}: no Debian release in platform ${JSON.stringify(definition.platforms)} or criteria`
          : `${id}: no package test could be resolved`,
      );
      continue;
    }
    if (definition.cls === 'patch') {
      patches.push({ definition, fixes });
      continue;
    }
    for (const fix of fixes) {
      const affected: AffectedPackage = distroAffected(
        fix.ecosystem,
        fix.name,
        fix.fixed === undefined ? 'affected' : 'fixed',
        fix.fixed,
      );
      const references: Reference[] = definition.references
        .filter((ref) => ref.refUrl !== undefined && ref.refUrl !== '')
        .map((ref) => ({ type: 'ADVISORY', url: ref.refUrl ?? '' }));
      const aliases = definition.references
        .map((ref) => ref.refId)
        .filter((ref) => ref !== id && CVE_ID.test(ref));
      const details = describe(definition);
      const advisory: Advisory = {
        id,
        aliases: [...new Set(aliases)],
        // A CVE fixed by a DSA names it in <debian><dsa> (DSA-5418, without its revision).
        related: definition.dsa === '' ? [] : [definition.dsa],
        ...(details === undefined ? {} : { details }),
        severity: [],
        cwes: [],
        references,
        url: trackerUrl(id),
        affected: [affected],
      };
      cveRecords.set(`${id}\0${fix.ecosystem}\0${fix.name}`, { advisory, related: new Set() });
    }
  }
  for (const { definition, fixes } of patches) {
    const dsa = definition.title.split(/\s+/)[0] ?? definition.dsa;
    const cves = definition.references.map((ref) => ref.refId).filter((ref) => CVE_ID.test(ref));
    const uncovered = fixes.filter(
      (fix) =>
        cves.length === 0 ||
        cves.some((cve) => !cveRecords.has(`${cve}\0${fix.ecosystem}\0${fix.name}`)),
    );
    for (const fix of fixes) {
      for (const cve of cves)
        cveRecords.get(`${cve}\0${fix.ecosystem}\0${fix.name}`)?.related.add(dsa);
    }
    if (uncovered.length === 0) continue;
    const published = normalizeDate(definition.date);
    const details = describe(definition);
    out.push({
      field: definition.id,
      advisory: {
        id: dsa,
        aliases: [],
        related: cves,
        ...(details === undefined ? {} : { details }),
        severity: [],
        cwes: [],
        references: [],
        url: trackerUrl(dsa),
        ...(published === undefined ? {} : { published }),
        affected: uncovered.map((fix) =>
          distroAffected(
            fix.ecosystem,
            fix.name,
            fix.fixed === undefined ? 'affected' : 'fixed',
            fix.fixed,
          ),
        ),
      },
    });
  }
  for (const { advisory, related } of cveRecords.values()) {
    out.push({
      field: advisory.id,
      advisory:
        related.size > 0
          ? { ...advisory, related: [...new Set([...advisory.related, ...related])] }
          : advisory,
    });
  }
  return out;
}
