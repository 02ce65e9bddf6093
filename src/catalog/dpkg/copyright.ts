import { dep5ToSpdx } from './dep5-license.js';
import { parseStanzas } from './parse-stanzas.js';

/** `Format-Specification` is the header of the pre-1.0 DEP-5 drafts, still found in old packages. */
const LICENSE_FIELDS: ReadonlySet<string> = new Set(['format', 'format-specification', 'license']);

/** Free-form copyright files name their licence by the file Debian ships it in. */
const COMMON_LICENSE = /\/usr\/share\/common-licenses\/(?<name>[A-Za-z0-9][A-Za-z0-9.+_-]*)/gu;

/** `A and B`, `A or B, and C`: the connectives between DEP-5 short names. */
const CONNECTIVE = /\s*,?\s+(?:and|or)\s+|\s*,\s*/iu;

/**
 * Adds a licence once, as its SPDX expression where DEP-5's names have one (`GPL-2+`,
 * `GPL-1+ or Artistic`). An expression with a name SPDX lacks (`BSD-4-clause-UC and MIT-like`)
 * is added name by name, each translated where it can be: a licence list of the names a policy
 * can match, not one string that no policy knows (Trivy lists them apart too).
 */
function addUnique(out: string[], seen: Set<string>, name: string): void {
  if (name === '') return;
  const translated = dep5ToSpdx(name);
  const terms = translated === undefined ? name.split(CONNECTIVE) : [translated];
  for (const term of terms) {
    const value = term === translated ? term : (dep5ToSpdx(term) ?? term);
    if (value === '' || seen.has(value)) continue;
    seen.add(value);
    out.push(value);
  }
}

/**
 * Licences named by a package's `usr/share/doc/<pkg>/copyright`. A machine-readable (DEP-5)
 * file starts with a `Format:` paragraph and names each licence on the first line of a `License:`
 * field (`GPL-2+`, `BSD-3-clause or Artistic`), in order of first use: as SPDX expressions where
 * the short names have SPDX equivalents (`GPL-2.0-or-later`, `BSD-3-Clause OR Artistic-1.0-Perl`,
 * see dep5-license.ts), else as written (`public-domain`). Older free-form files are searched for
 * `/usr/share/common-licenses/<name>`, whose file names are DEP-5 short names too.
 */
export function licensesFromCopyright(text: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const { stanzas } = parseStanzas(text, LICENSE_FIELDS);
  const header = stanzas[0]?.fields;
  if (header?.has('format') || header?.has('format-specification')) {
    for (const stanza of stanzas) {
      const value = stanza.fields.get('license');
      if (value !== undefined) addUnique(out, seen, value.split('\n', 1)[0]?.trim() ?? '');
    }
    return out;
  }
  for (const match of text.matchAll(COMMON_LICENSE)) {
    addUnique(out, seen, (match.groups?.['name'] ?? '').replace(/\.+$/u, ''));
  }
  return out;
}
