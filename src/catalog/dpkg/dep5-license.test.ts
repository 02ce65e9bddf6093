import { existsSync, readdirSync, readFileSync } from 'node:fs';
import parseSpdx from 'spdx-expression-parse';
import { describe, expect, it } from 'vitest';
import { licensesFromCopyright } from './copyright.js';
import { dep5ToSpdx } from './dep5-license.js';

describe('dep5ToSpdx', () => {
  // The short names of copyright-format 1.0 ("License specification") and SPDX's list.
  it.each([
    ['GPL-2', 'GPL-2.0-only'],
    ['GPL-2+', 'GPL-2.0-or-later'],
    ['GPL-2.0+', 'GPL-2.0-or-later'],
    ['LGPL-2.1', 'LGPL-2.1-only'],
    ['LGPL-2+', 'LGPL-2.0-or-later'],
    ['AGPL-3+', 'AGPL-3.0-or-later'],
    ['GFDL-1.2', 'GFDL-1.2-only'],
    ['GFDL-NIV-1.3+', 'GFDL-1.3-no-invariants-or-later'],
    ['Expat', 'MIT'],
    ['BSD-3-clause', 'BSD-3-Clause'],
    ['zlib', 'Zlib'],
    ['Apache-2', 'Apache-2.0'],
    ['Apache-2.0', 'Apache-2.0'],
    ['Artistic', 'Artistic-1.0-Perl'],
    ['Perl', 'Artistic-1.0-Perl OR GPL-1.0-or-later'],
    ['GPL-1+ or Artistic', 'GPL-1.0-or-later OR Artistic-1.0-Perl'],
    ['LGPL-3+ or GPL-2+', 'LGPL-3.0-or-later OR GPL-2.0-or-later'],
    ['GPL-3+ and ISC', 'GPL-3.0-or-later AND ISC'],
    ['MPL-1.1 or GPL-2+ or LGPL-2.1+', 'MPL-1.1 OR GPL-2.0-or-later OR LGPL-2.1-or-later'],
    ['GPL-1+ or Artistic, and Expat', '(GPL-1.0-or-later OR Artistic-1.0-Perl) AND MIT'],
    ['GPL-3+ with Bison exception', 'GPL-3.0-or-later WITH Bison-exception-2.2'],
    ['GPL-3+ with Autoconf exception', 'GPL-3.0-or-later WITH Autoconf-exception-3.0'],
    ['GPL-2+ with Autoconf exception', 'GPL-2.0-or-later WITH Autoconf-exception-2.0'],
    ['GPL-2+ with Texinfo exception', 'GPL-2.0-or-later WITH Texinfo-exception'],
    ['GPL-2 with Linux-syscall-note exception', 'GPL-2.0-only WITH Linux-syscall-note'],
  ])('%s is %s', (dep5, spdx) => {
    expect(dep5ToSpdx(dep5)).toBe(spdx);
  });

  it.each([
    'public-domain',
    'GPL',
    'LGPL',
    'BSD-3-clause-fjord',
    'MIT/X11',
    'GPL or MIT-US-export',
    'BSD-3-clause and/or GPL-3+',
    'GPL-2+ with OpenSSL exception',
    'GPL-3+-WITH-BISON-EXCEPTION',
    'GPL-1+ or Artistic, and Unicode',
    'GPL-2+,',
    '',
  ])('%j has no SPDX equivalent and stays as written', (dep5) => {
    expect(dep5ToSpdx(dep5)).toBeUndefined();
  });
});

/** Every licence term of an SPDX expression. */
function termCount(node: parseSpdx.Info): number {
  return 'conjunction' in node ? termCount(node.left) + termCount(node.right) : 1;
}

describe('licences of the copyright files on this Debian machine', () => {
  // Real DEP-5 and free-form files, as Debian ships them: every licence that is not Debian's text
  // as written must be a valid SPDX expression, and most files must have one.
  const docs = '/usr/share/doc';
  const files = existsSync(docs)
    ? readdirSync(docs)
        .map((name) => `${docs}/${name}/copyright`)
        .filter((path) => existsSync(path))
    : [];

  it.runIf(files.length > 20)('translates to valid SPDX expressions only', () => {
    let translated = 0;
    for (const path of files) {
      const text = readFileSync(path, 'latin1');
      for (const licence of licensesFromCopyright(text)) {
        if (!text.includes(licence)) {
          translated += 1;
          expect(termCount(parseSpdx(licence)), `${path}: ${licence}`).toBeGreaterThan(0);
        }
      }
    }
    expect(translated).toBeGreaterThan(files.length / 2);
  });
});
