import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parseSpdx from 'spdx-expression-parse';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../testing/index.js';
import { rpmLicense } from './header/license.js';

describe('rpmLicense', () => {
  it.each([
    ['GPLv2+', 'GPL-2.0-or-later'],
    ['GPLv2', 'GPL-2.0-only'],
    ['GPLv3+ and MIT', 'GPL-3.0-or-later AND MIT'],
    ['GPLv2+ or LGPLv3+', 'GPL-2.0-or-later OR LGPL-3.0-or-later'],
    ['(GPLv2+ or LGPLv3+) and zlib', '(GPL-2.0-or-later OR LGPL-3.0-or-later) AND Zlib'],
    ['ASL 2.0', 'Apache-2.0'],
    ['MPLv2.0 and Boost', 'MPL-2.0 AND BSL-1.0'],
    ['GPL+', 'GPL-1.0-or-later'],
    // Already SPDX (Fedora 38+, SUSE): kept, in canonical form.
    ['MIT AND (Apache-2.0 OR BSD-3-Clause)', 'MIT AND (Apache-2.0 OR BSD-3-Clause)'],
    ['GPL-2.0-or-later', 'GPL-2.0-or-later'],
  ])('%s is %s', (legacy, spdx) => {
    expect(rpmLicense(legacy)).toBe(spdx);
  });

  it.each([
    'BSD',
    'LGPLv2+',
    'Public Domain',
    'GPLv2+ and LGPLv2+',
    'LGPLv2+ with exceptions',
    'GPLv2+ with exceptions and BSD',
    'Copyright only',
  ])('%j has a name Fedora maps to several SPDX licences, or none: kept as written', (text) => {
    expect(rpmLicense(text)).toBe(text);
  });
});

describe('rpm licences of real databases', () => {
  it.each([
    ['centos7-plain', 'bdb_ro'],
    ['amazonlinux2023-plain', 'sqlite'],
    ['cbl-mariner-2.0', 'sqlite'],
  ])('%s: every translated tag is a valid SPDX expression', (dir, backend) => {
    const copy = mkdtempSync(join(tmpdir(), 'lockyard-rpm-licences-'));
    try {
      const source = sharedFixture('pkgdb', 'rpm', 'go-rpmdb', dir);
      for (const name of readdirSync(source)) cpSync(join(source, name), join(copy, name));
      const tags = execFileSync(
        'rpm',
        ['-qa', '--dbpath', copy, '--define', `_db_backend ${backend}`, '--qf', '%{LICENSE}\\n'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      )
        .split('\n')
        .filter((tag) => tag !== '' && tag !== '(none)');
      const translated = tags.filter((tag) => rpmLicense(tag) !== tag);
      for (const tag of translated) expect(() => parseSpdx(rpmLicense(tag)), tag).not.toThrow();
      expect(translated.length).toBeGreaterThan(tags.length / 5);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
