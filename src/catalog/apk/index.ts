import { defineCataloger, type FileHeader, type ParseResult } from '../cataloger.js';
import { parseInstalled } from './parse-installed.js';

export { parseInstalled } from './parse-installed.js';

/** apk-tools 2 keeps the database under /lib; on merged-/usr systems it is reached via usr/lib. */
const INSTALLED = new Set(['lib/apk/db/installed', 'usr/lib/apk/db/installed']);

const MAX_WARNINGS = 20;

/** Installed Alpine (and Wolfi, Chainguard) packages from apk's installed database. */
export const apkCataloger = defineCataloger({
  id: 'apk',
  displayName: 'apk installed database',
  urls: [
    'https://wiki.alpinelinux.org/wiki/Apk_spec',
    'https://gitlab.alpinelinux.org/alpine/apk-tools/-/blob/master/src/database.c',
  ],
  packageTypes: ['apk'],
  version: 4,
  claims: (file: FileHeader) => INSTALLED.has(file.path),
  parse(file): ParseResult {
    const { packages, warnings } = parseInstalled(file.content.toString('utf8'));
    if (packages.length === 0 && warnings.length === 0 && file.content.length > 0) {
      return { warnings: ['no packages found'] };
    }
    if (warnings.length === 0) return { packages };
    // A damaged file can have a problem per entry; the first few say enough.
    const shown =
      warnings.length <= MAX_WARNINGS
        ? warnings
        : [
            ...warnings.slice(0, MAX_WARNINGS),
            `... and ${warnings.length - MAX_WARNINGS} more problems`,
          ];
    return { packages, warnings: shown };
  },
});
