import { rememberedPerText, spdxExpression, spdxId } from '../internal/license/index.js';

/**
 * Debian's machine-readable copyright format (DEP-5, "copyright-format 1.0") names licences by
 * short names of its own: `GPL-2+`, `LGPL-2.1`, `Expat`, `BSD-3-clause`, `GPL-1+ or Artistic`,
 * `GPL-3+ with Bison exception`. SBOM consumers and licence policies reason in SPDX, so a name
 * with an exact SPDX equivalent is translated; the rest (`public-domain`, a file's own
 * `BSD-3-clause-fjord`, `GPL` without a version) stays as Debian wrote it.
 * https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/#license-specification
 */

/** GNU licences: DEP-5 writes `GPL-2` for "version 2 only" and `GPL-2+` for "or any later". */
const GNU = /^(?<family>A?GPL|LGPL|GFDL|GFDL-NIV)-(?<version>\d(?:\.\d)?)(?<plus>\+)?$/iu;

/** SPDX spells every GNU version with a minor number. */
function gnuVersion(version: string): string {
  return version.includes('.') ? version : `${version}.0`;
}

function gnuLicense(name: string): string | undefined {
  const match = GNU.exec(name);
  if (!match?.groups) return undefined;
  const family = match.groups['family']?.toUpperCase() ?? '';
  const version = gnuVersion(match.groups['version'] ?? '');
  const suffix = match.groups['plus'] ? 'or-later' : 'only';
  // "no invariant sections": SPDX has it as its own licence.
  if (family === 'GFDL-NIV') return `GFDL-${version}-no-invariants-${suffix}`;
  return `${family}-${version}-${suffix}`;
}

/**
 * DEP-5 short names that differ from SPDX ids. Debian's `common-licenses/Artistic` is Perl's
 * Artistic licence, which SPDX lists apart from the OSI one; `Perl` is DEP-5's name for Perl's
 * own dual licence.
 */
const RENAMED: Readonly<Record<string, string>> = {
  expat: 'MIT',
  artistic: 'Artistic-1.0-Perl',
  perl: '(Artistic-1.0-Perl OR GPL-1.0-or-later)',
  'apache-1': 'Apache-1.0',
  'apache-2': 'Apache-2.0',
  'artistic-1': 'Artistic-1.0',
  'artistic-2': 'Artistic-2.0',
  'bsl-1': 'BSL-1.0',
  'zope-1.1': 'ZPL-1.1',
  'zope-2.0': 'ZPL-2.0',
  'zope-2.1': 'ZPL-2.1',
};

/** `with <name> exception`: the exceptions SPDX lists, by DEP-5's name for them. */
function spdxException(name: string, license: string): string | undefined {
  switch (name.toLowerCase()) {
    case 'bison':
      return 'Bison-exception-2.2';
    case 'texinfo':
      return 'Texinfo-exception';
    case 'linux-syscall-note':
      return 'Linux-syscall-note';
    case 'autoconf':
      return license.startsWith('GPL-3') ? 'Autoconf-exception-3.0' : 'Autoconf-exception-2.0';
    default:
      return undefined;
  }
}

/** One licence, perhaps `with X exception`, as an SPDX term, or undefined. */
function spdxTerm(term: string): string | undefined {
  const withException = /^(?<license>\S+) with (?<exception>\S+) exception$/iu.exec(term);
  if (withException?.groups) {
    const license = spdxTerm(withException.groups['license'] ?? '');
    const exception = license && spdxException(withException.groups['exception'] ?? '', license);
    return exception ? `${license} WITH ${exception}` : undefined;
  }
  if (/\s/u.test(term)) return undefined;
  // Else already an SPDX id, perhaps in other case (`BSD-3-clause`, `zlib`).
  return gnuLicense(term) ?? RENAMED[term.toLowerCase()] ?? spdxId(term);
}

/** `A or B and C`: and/or between terms (AND binds tighter, in DEP-5 as in SPDX). */
function spdxClause(clause: string): string | undefined {
  const parts = clause.trim().split(/\s+(and|or)\s+/iu);
  const out: string[] = [];
  for (const [index, part] of parts.entries()) {
    if (index % 2 === 1) {
      out.push(part.toUpperCase());
      continue;
    }
    const term = spdxTerm(part);
    if (term === undefined) return undefined;
    out.push(term);
  }
  return out.join(' ');
}

/**
 * A DEP-5 `License:` short-name expression as an SPDX expression, or undefined when any part of
 * it has no SPDX equivalent. A comma closes what comes before it: `GPL-1+ or Artistic, and
 * Expat` is `(GPL-1.0-or-later OR Artistic-1.0-Perl) AND MIT`.
 */
export const dep5ToSpdx: (text: string) => string | undefined = rememberedPerText(translate);

function translate(text: string): string | undefined {
  const [first = '', ...rest] = text.split(',');
  let expression = spdxClause(first);
  for (const clause of rest) {
    if (expression === undefined) return undefined;
    const operator = /^\s*(and|or)\s+/iu.exec(clause);
    if (!operator) return undefined;
    const next = spdxClause(clause.slice(operator[0].length));
    if (next === undefined) return undefined;
    expression = `(${expression}) ${operator[1]?.toUpperCase() ?? ''} (${next})`;
  }
  return expression === undefined ? undefined : spdxExpression(expression);
}
