import type { ParseResult } from '../cataloger.js';
import { normalizeLicense, spdxExpression } from '../internal/license/index.js';
import type { PackageRecord } from '../types.js';
import { licenseFromClassifier } from './classifiers.js';
import { personText } from '../internal/person/index.js';
import {
  first,
  normalizePythonName,
  parseHeaders,
  requirementName,
  type Headers,
} from './core-metadata.js';

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

// The first entry of an RFC 5322 address list: `"Doe, Jane" <j@x.org>, …`, `Pallets <c@p.com>`,
// or a bare `j@x.org`. A quoted display name may hold commas.
const FIRST_ADDRESS =
  /^\s*(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<plain>[^,<"]*?))\s*(?:<(?<email>[^>]*)>)?\s*(?:,|$)/u;

/**
 * `Author` / `Author-email` (or the Maintainer pair) as `Name <email>`. Core metadata 2.1+ puts
 * `Name <email>` entries in the email header and may leave the name header out; old setuptools
 * wrote `UNKNOWN` for either. The first entry of a list is taken.
 */
function author(headers: Headers, field: 'Author' | 'Maintainer'): string | undefined {
  const known = (value: string | undefined): string | undefined =>
    value && value !== 'UNKNOWN' ? value : undefined;
  const name = known(first(headers, field));
  const list = known(first(headers, `${field}-email`));
  const entry = list === undefined ? undefined : FIRST_ADDRESS.exec(list)?.groups;
  const email = entry?.['email'] ?? (entry?.['plain']?.includes('@') ? entry['plain'] : undefined);
  const displayName =
    entry?.['email'] === undefined ? undefined : (entry['quoted'] ?? entry['plain']);
  return personText(name ?? displayName?.replace(/\\(.)/gu, '$1'), email?.trim());
}

/** A marker that makes the requirement part of an optional extra (`; extra == "socks"`). */
const EXTRA_MARKER = /;.*\bextra\s*==/u;

/**
 * `Requires-Dist` (core metadata 1.2+, PEP 508): what the distribution needs, by normalized
 * name. Requirements of optional extras are left out: nothing says they were installed. Other
 * markers (`python_version < "3.8"`) are kept; a requirement nothing installed meets gives no edge.
 */
function requiredDists(headers: Headers): string[][] {
  const names = new Set<string>();
  for (const requirement of headers.get('requires-dist') ?? []) {
    if (EXTRA_MARKER.test(requirement)) continue;
    const name = requirementName(requirement);
    if (name) names.add(name);
  }
  return [...names].map((name) => [name]);
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
  const originator = author(headers, 'Author') ?? author(headers, 'Maintainer');
  const requires = requiredDists(headers);
  const record: PackageRecord = {
    type: 'pypi',
    name: normalized,
    version,
    ...(licenses ? { licenses } : {}),
    ...(originator ? { originator } : {}),
    ...(requires.length > 0 ? { requires } : {}),
    // The name as the project spells it (`Flask`), for people; the purl uses the normalized one.
    ...(normalized === name ? {} : { metadata: { declaredName: name } }),
  };
  return { packages: [record] };
}
