import { baseName, defineCataloger, type FileHeader, type ParseResult } from '../cataloger.js';
import type { PackageRecord } from '../types.js';
import { licensesFromCopyright } from './copyright.js';
import { packageFromFileName, parseListFile, parseMd5sums } from './file-lists.js';
import { parseStanzas } from './parse-stanzas.js';
import { PACKAGE_FIELDS, stanzaToPackage } from './to-package.js';

export { parseStanzas, type Stanza } from './parse-stanzas.js';
export { installedState } from './status.js';
export { parseSourceField } from './to-package.js';
export { licensesFromCopyright } from './copyright.js';

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';
const INFO = 'var/lib/dpkg/info/';
const DOC = 'usr/share/doc/';
const LIST_SUFFIX = '.list';
const MD5SUMS_SUFFIX = '.md5sums';
/** Copyright files are text of a few KiB; anything far bigger is not worth holding in memory. */
const MAX_COPYRIGHT_BYTES = 1024 * 1024;

type DpkgFile = 'status' | 'md5sums' | 'list' | 'copyright';

/** What a path is to this cataloger, from the path alone (claims runs on every layer entry). */
function kindOf(path: string): DpkgFile | undefined {
  if (path === STATUS) return 'status';
  if (path.startsWith(STATUS_D)) {
    const rest = path.slice(STATUS_D.length);
    if (rest === '' || rest.includes('/') || rest.startsWith('.')) return undefined;
    return rest.endsWith(MD5SUMS_SUFFIX) ? 'md5sums' : 'status';
  }
  if (path.startsWith(INFO)) {
    const rest = path.slice(INFO.length);
    return rest.endsWith(LIST_SUFFIX) && !rest.includes('/') ? 'list' : undefined;
  }
  if (path.startsWith(DOC) && path.endsWith('/copyright')) {
    const pkg = path.slice(DOC.length, -'/copyright'.length);
    return pkg !== '' && !pkg.includes('/') ? 'copyright' : undefined;
  }
  return undefined;
}

function parseStatus(text: string, missingStatus: 'installed' | 'not-installed'): ParseResult {
  const { stanzas, warnings } = parseStanzas(text, PACKAGE_FIELDS);
  const packages: PackageRecord[] = [];
  const all = [...warnings];
  for (const stanza of stanzas) {
    const { record, warning } = stanzaToPackage(stanza, missingStatus);
    if (record) packages.push(record);
    if (warning) all.push(warning);
  }
  if (stanzas.length === 0 && text.trim() !== '') all.push('no package stanzas found');
  return all.length > 0 ? { packages, warnings: capped(all) } : { packages };
}

/** A damaged file can have a problem per stanza; the first few say enough. */
const MAX_WARNINGS = 20;

function capped(warnings: readonly string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return [...warnings];
  const rest = warnings.length - MAX_WARNINGS;
  return [...warnings.slice(0, MAX_WARNINGS), `... and ${rest} more problems`];
}

/**
 * Installed Debian packages: `var/lib/dpkg/status`, distroless `status.d/<pkg>` files, file lists
 * from `info/<pkg>.list` and `status.d/<pkg>.md5sums`, and licences from the packages' DEP-5
 * `usr/share/doc/<pkg>/copyright` files (joined to the packages when the catalog is finalized).
 */
export const dpkgCataloger = defineCataloger({
  id: 'dpkg',
  displayName: 'dpkg status database',
  urls: [
    'https://man7.org/linux/man-pages/man1/dpkg-query.1.html',
    'https://www.debian.org/doc/debian-policy/ch-controlfields.html',
    'https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
  ],
  packageTypes: ['deb'],
  version: 5,
  claims: (file: FileHeader) => {
    const kind = kindOf(file.path);
    return kind !== undefined && (kind !== 'copyright' || file.size <= MAX_COPYRIGHT_BYTES);
  },
  parse(file): ParseResult {
    const kind = kindOf(file.path);
    if (kind === undefined) return {};
    const text = file.content.toString('utf8');
    const name = baseName(file.path);
    switch (kind) {
      case 'status':
        return parseStatus(text, file.path === STATUS ? 'not-installed' : 'installed');
      case 'list':
        return {
          fileOwners: [
            {
              type: 'deb',
              packageName: packageFromFileName(name, LIST_SUFFIX),
              files: parseListFile(text),
            },
          ],
        };
      case 'md5sums':
        return {
          fileOwners: [
            {
              type: 'deb',
              packageName: packageFromFileName(name, MD5SUMS_SUFFIX),
              files: parseMd5sums(text),
            },
          ],
        };
      case 'copyright': {
        const licenses = licensesFromCopyright(text);
        if (licenses.length === 0) return {};
        const packageName = file.path.slice(DOC.length, -'/copyright'.length);
        return { fileOwners: [{ type: 'deb', packageName, files: [], licenses }] };
      }
    }
  },
});
