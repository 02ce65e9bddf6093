import type { ParseResult } from '../cataloger.js';
import { normalizeLicense, spdxExpression } from '../internal/license/index.js';
import type { PackageRecord } from '../types.js';
import { licenseFromClassifier } from './classifiers.js';
import { first, normalizePythonName, parseHeaders, type Headers } from './core-metadata.js';

/** Legal name characters (PEP 508 `identifier`): letters, digits, `-`, `_`, `.`. */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/**
 * Declared licences, most precise source first: `License-Expression` (metadata 2.4, SPDX); a
 * `License` that is an SPDX expression; trove classifiers that name an SPDX licence exactly
 * (`License: LGPL` + `GNU Lesser General Public License v2 or later (LGPLv2+)` says
 * LGPL-2.0-or-later); the `License` text as written; the remaining classifier names.
 */
function declaredLicenses(headers: Headers): string[] | undefined {
  const expression = first(headers, 'License-Expression');
  if (expression) return [spdxExpression(expression) ?? expression];
  const license = normalizeLicense(first(headers, 'License'));
  if (license && spdxExpression(license)) return [license];
  const fromClassifiers: string[] = [];
  for (const classifier of headers.get('classifier') ?? []) {
    const mapped = licenseFromClassifier(classifier);
    if (mapped && !fromClassifiers.includes(mapped)) fromClassifiers.push(mapped);
  }
  const spdx = fromClassifiers.filter((name) => spdxExpression(name) !== undefined);
  if (spdx.length > 0) return spdx;
  if (license) return [license];
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
