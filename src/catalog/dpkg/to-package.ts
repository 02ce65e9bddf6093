import type { PackageRecord } from '../types.js';
import type { Stanza } from './parse-stanzas.js';
import { installedState } from './status.js';

/** The status-file fields this cataloger reads; every other field is skipped while parsing. */
export const PACKAGE_FIELDS: ReadonlySet<string> = new Set([
  'package',
  'status',
  'version',
  'architecture',
  'source',
  'maintainer',
  'depends',
  'pre-depends',
  'provides',
]);

const SOURCE_FIELD = /^(?<name>\S+)(?:\s+\((?<version>[^)\s]+)\))?$/u;
const EPOCH_PREFIX = /^(?<epoch>\d+):/u;

export type StanzaPackage =
  | { readonly record: PackageRecord; readonly warning?: undefined }
  | { readonly record?: undefined; readonly warning?: string | undefined };

/** A relation's package name: before any `:arch` qualifier, version, or architecture list. */
const RELATION_NAME = /^\s*(?<name>[a-z0-9][a-z0-9+.-]*)/u;

/**
 * A relationship field (Debian Policy 7.1): `libc6 (>= 2.34), libgcc-s1 | libgcc1, awk:any`:
 * one entry per comma, each the names of its `|` alternatives.
 */
export function parseRelations(value: string | undefined): string[][] {
  if (value === undefined) return [];
  const out: string[][] = [];
  for (const clause of value.split(',')) {
    const names = clause
      .split('|')
      .map((alternative) => RELATION_NAME.exec(alternative)?.groups?.['name'])
      .filter((name) => name !== undefined);
    if (names.length > 0) out.push(names);
  }
  return out;
}

/**
 * `Source: name` or `Source: name (version)`; the version is given only when it differs from
 * the binary's (binNMUs like `2.38.1-5+b1` built from `util-linux (2.38.1-5)`).
 */
export function parseSourceField(
  value: string | undefined,
  name: string,
  version: string,
): { name: string; version: string } | undefined {
  if (value === undefined || value === '') return { name, version };
  const match = SOURCE_FIELD.exec(value);
  const sourceName = match?.groups?.['name'];
  if (!sourceName) return undefined;
  return { name: sourceName, version: match.groups?.['version'] ?? version };
}

/** One installed package from a status stanza; a package that is not installed gives nothing. */
export function stanzaToPackage(
  stanza: Stanza,
  missingStatus: 'installed' | 'not-installed',
): StanzaPackage {
  const at = `stanza at line ${stanza.line}`;
  const name = stanza.fields.get('package');
  if (!name) return { warning: `${at}: no Package name` };
  const status = stanza.fields.get('status');
  const verdict = installedState(status, missingStatus);
  if ('error' in verdict) return { warning: `${at} (${name}): ${verdict.error}` };
  if (!verdict.installed) {
    return status === undefined ? { warning: `${at} (${name}): no Status, not installed` } : {};
  }
  const version = stanza.fields.get('version');
  if (!version) return { warning: `${at} (${name}): no Version` };
  const source = parseSourceField(stanza.fields.get('source'), name, version);
  if (!source)
    return {
      warning: `${at} (${name}): Source "${stanza.fields.get('source') ?? ''}" is not "name (version)"`,
    };
  const epoch = Number(EPOCH_PREFIX.exec(version)?.groups?.['epoch'] ?? 0);
  const arch = stanza.fields.get('architecture');
  const maintainer = stanza.fields.get('maintainer');
  const requires = [
    ...parseRelations(stanza.fields.get('pre-depends')),
    ...parseRelations(stanza.fields.get('depends')),
  ];
  const provides = parseRelations(stanza.fields.get('provides')).flat();
  const record: PackageRecord = {
    type: 'deb',
    name,
    version,
    ...(arch ? { arch } : {}),
    ...(epoch > 0 ? { epoch } : {}),
    source,
    ...(maintainer ? { supplier: maintainer } : {}),
    ...(requires.length > 0 ? { requires } : {}),
    ...(provides.length > 0 ? { provides } : {}),
    ...(verdict.state === 'installed' ? {} : { metadata: { status: verdict.state } }),
  };
  return { record };
}
