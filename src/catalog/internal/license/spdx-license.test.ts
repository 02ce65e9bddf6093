import { describe, expect, it } from 'vitest';
import { normalizeLicense, normalizeLicenses, spdxExpression } from './index.js';

describe('spdxExpression', () => {
  it.each([
    ['MIT', 'MIT'],
    ['( MIT )', 'MIT'],
    ['MIT OR (Apache-2.0 AND BSD-3-Clause)', 'MIT OR (Apache-2.0 AND BSD-3-Clause)'],
    ['(MIT OR Apache-2.0) OR ISC', 'MIT OR Apache-2.0 OR ISC'],
    // spdx-expression-parse also takes lower-case operators; they come out in upper case.
    ['MIT or Apache-2.0', 'MIT OR Apache-2.0'],
    ['(MIT OR Apache-2.0) AND Zlib', '(MIT OR Apache-2.0) AND Zlib'],
    // Ids match without regard to case (SPDX 2.3 annex D.2).
    ['zlib', 'Zlib'],
    ['apache-2.0+', 'Apache-2.0+'],
    ['MIT OR bsd-3-clause', 'MIT OR BSD-3-Clause'],
    ['gpl-2.0-only WITH classpath-exception-2.0', 'GPL-2.0-only WITH Classpath-exception-2.0'],
    ['gpl-2.0+', 'GPL-2.0+'],
    ['LicenseRef-acme-1', 'LicenseRef-acme-1'],
  ])('%j is %j', (text, expected) => {
    expect(spdxExpression(text)).toBe(expected);
  });

  it.each(['GPL2', 'BSD', 'MIT BSD', 'GPL-2.0 or later', 'MIT AND (BSD', ''])(
    '%j is not an expression',
    (text) => {
      expect(spdxExpression(text)).toBeUndefined();
    },
  );
});

describe('normalizeLicense', () => {
  it('keeps an expression canonical and any other short text as written', () => {
    expect(normalizeLicense(' zlib ')).toBe('Zlib');
    expect(normalizeLicense('GPL-2+')).toBe('GPL-2+');
    expect(normalizeLicense('MIT-like')).toBe('MIT-like');
  });

  it('drops blanks, placeholders, licence bodies and non-strings', () => {
    for (const raw of ['', '   ', 'UNKNOWN', 'none', 'line one\nline two', 'x'.repeat(300), 42])
      expect(normalizeLicense(raw)).toBeUndefined();
    expect(normalizeLicenses(['MIT', 'mit', 'UNKNOWN', 'Zlib'])).toEqual(['MIT', 'Zlib']);
    expect(normalizeLicenses(['UNKNOWN'])).toBeUndefined();
  });
});
