import type { ParseResult } from '../cataloger.js';
import { normalizeLicense, spdxExpression } from '../npm/index.js';
import type { PackageRecord } from '../types.js';
import { licenseFromClassifier } from './classifiers.js';
import { first, normalizePythonName, parseHeaders, type Headers } from './core-metadata.js';

/** Legal name characters (PEP 508 `identifier`): letters, digits, `-`, `_`, `.`. */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/**
 * Declared licences, most precise source first: `License-Expression` (metadata 2.4, SPDX), then
 * `License` (free text; an SPDX id when it parses as one), then the trove licence classifiers.
 */
function declaredLicenses(headers: Headers): string[] | undefined {
  const expression = first(headers, 'License-Expression');
  if (expression) return [spdxExpression(expression) ?? expression];
  const license = normalizeLicense(first(headers, 'License'));
  if (license) return [license];
  const fromClassifiers: string[] = [];
  for (const classifier of headers.get('classifier') ?? []) {
    const mapped = licenseFromClassifier(classifier);
    if (mapped && !fromClassifiers.includes(mapped)) fromClassifiers.push(mapped);
  }
  return fromClassifiers.length > 0 ? fromClassifiers : undefined;
}

/** The record for one installed distribution's METADATA / PKG-INFO text. */
export function parseCoreMetadata(text: string): ParseResult {
  const { headers, problems } = parseHeaders(text);
  const name = first(headers, 'Name');
  const version = first(headers, 'Version');
  if (!name || !version) {
    const missing = name ? 'Version' : 'Name';
    return {
      warnings: [`no "${missing}" header: not a package metadata file`, ...problems.slice(0, 3)],
    };
  }
  if (!NAME.test(name))
    return { warnings: [`header "Name" is not a distribution name: ${name.slice(0, 80)}`] };
  const normalized = normalizePythonName(name);
  const licenses = declaredLicenses(headers);
  const record: PackageRecord = {
    type: 'pypi',
    name: normalized,
    version,
    ...(licenses ? { licenses } : {}),
    // The name as the project spells it (`Flask`), for people; the purl uses the normalized one.
    ...(normalized === name ? {} : { metadata: { declaredName: name } }),
  };
  return { packages: [record] };
}
