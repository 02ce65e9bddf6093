import type { LocatedFileFinding } from '../catalog/index.js';
import type { Finding } from '../match/index.js';
import type { ImageCheckFinding } from '../misconfig/index.js';
import type { IgnoreEntry } from './ignore-file.js';
import type { Suppressible, Suppression } from '../report/index.js';
import type { VexStatement } from './vex.js';

function purlBase(purl: string): string {
  return (purl.split('?')[0] ?? purl).split('#')[0]?.toLowerCase() ?? purl;
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/^\/+/, '')
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*/g, '\0')
    .replace(/\*/g, '[^/]*')
    .replace(/\0/g, '.*');
  return new RegExp(`^${escaped}(?:/.*|!.*)?$`);
}

interface Subject {
  readonly ids: readonly string[];
  readonly packageName?: string | undefined;
  readonly purl?: string | undefined;
  readonly paths: readonly string[];
}

function entryApplies(entry: IgnoreEntry, subject: Subject): boolean {
  if (!subject.ids.includes(entry.id)) return false;
  if (entry.package !== undefined) {
    const named = entry.package === subject.packageName;
    const byPurl =
      subject.purl !== undefined &&
      entry.package.startsWith('pkg:') &&
      purlBase(subject.purl).startsWith(purlBase(entry.package));
    if (!named && !byPurl) return false;
  }
  if (entry.path !== undefined) {
    const pattern = globToRegExp(entry.path);
    if (!subject.paths.some((path) => pattern.test(path))) return false;
  }
  return true;
}

export interface SuppressionRules {
  readonly ignore: readonly { entry: IgnoreEntry; source: string }[];
  readonly vex: readonly VexStatement[];
  readonly now: Date;
}

/** Applies ignore entries (unexpired only) and VEX `not_affected`/`fixed` statements. */
export function suppressionFor(subject: Subject, rules: SuppressionRules): Suppression | undefined {
  for (const { entry, source } of rules.ignore) {
    if (entry.expires && entry.expires.getTime() < rules.now.getTime()) continue;
    if (entryApplies(entry, subject)) return { by: 'ignore-file', reason: entry.reason, source };
  }
  if (subject.purl === undefined) return undefined;
  const base = purlBase(subject.purl);
  for (const statement of rules.vex) {
    if (statement.status !== 'not_affected' && statement.status !== 'fixed') continue;
    if (!statement.vulnerabilities.some((id) => subject.ids.includes(id))) continue;
    const packages = statement.products.filter((p) => !p.startsWith('pkg:oci/'));
    if (packages.length > 0 && !packages.some((p) => purlBase(p) === base)) continue;
    return {
      by: 'vex',
      reason: `${statement.status}: ${statement.reason}`,
      source: statement.source,
    };
  }
  return undefined;
}

/** Ignore entries past their expiry: reported, never applied. */
export function expiredEntries(rules: SuppressionRules): string[] {
  return rules.ignore
    .filter(({ entry }) => entry.expires && entry.expires.getTime() < rules.now.getTime())
    .map(
      ({ entry, source }) =>
        `${source}: ignore entry for ${entry.id} expired on ${entry.expires?.toISOString().slice(0, 10) ?? '?'} and is not applied (${entry.reason})`,
    );
}

export function suppressVulnerabilities(
  findings: readonly Finding[],
  rules: SuppressionRules,
): Suppressible<Finding>[] {
  return findings.map((finding) => {
    const suppressed = suppressionFor(
      {
        ids: [finding.id, ...finding.aliases],
        packageName: finding.package.name,
        purl: finding.package.purl,
        paths: finding.package.locations.map((l) => l.path),
      },
      rules,
    );
    return suppressed ? { ...finding, suppressed } : finding;
  });
}

export function suppressSecrets(
  findings: readonly LocatedFileFinding[],
  rules: SuppressionRules,
): Suppressible<LocatedFileFinding>[] {
  return findings.map((finding) => {
    const suppressed = suppressionFor({ ids: [finding.ruleId], paths: [finding.path] }, rules);
    return suppressed ? { ...finding, suppressed } : finding;
  });
}

export function suppressMisconfigurations(
  findings: readonly ImageCheckFinding[],
  rules: SuppressionRules,
): Suppressible<ImageCheckFinding>[] {
  return findings.map((finding) => {
    const suppressed = suppressionFor(
      { ids: [finding.ruleId], paths: finding.path ? [finding.path] : [] },
      rules,
    );
    return suppressed ? { ...finding, suppressed } : finding;
  });
}
