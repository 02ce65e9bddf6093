import { rememberedPerText, spdxExpression, spdxId } from '../../internal/license/index.js';

/**
 * Fedora and RHEL wrote rpm `License:` tags in their own short names until Fedora 38 moved to
 * SPDX (https://docs.fedoraproject.org/en-US/legal/update-existing-packages/). CentOS 7, RHEL 8/9
 * and Amazon Linux 2023 still carry them: `GPLv2+`, `LGPLv2+ and MIT`, `ASL 2.0`. These are the
 * legacy names whose SPDX equivalent is not in doubt (Fedora's license data gives one). Names
 * Fedora itself maps to several SPDX licences (`BSD`, `LGPLv2`, `LGPLv2+`, `GPL`, `GFDL`,
 * `Public Domain`) are not translated, and a tag holding one stays as written.
 */
const LEGACY: Readonly<Record<string, string>> = {
  'GPL+': 'GPL-1.0-or-later',
  GPLv2: 'GPL-2.0-only',
  'GPLv2+': 'GPL-2.0-or-later',
  GPLv3: 'GPL-3.0-only',
  'GPLv3+': 'GPL-3.0-or-later',
  'LGPLv2.1': 'LGPL-2.1-only',
  'LGPLv2.1+': 'LGPL-2.1-or-later',
  LGPLv3: 'LGPL-3.0-only',
  'LGPLv3+': 'LGPL-3.0-or-later',
  AGPLv3: 'AGPL-3.0-only',
  'AGPLv3+': 'AGPL-3.0-or-later',
  'ASL 1.1': 'Apache-1.1',
  'ASL 2.0': 'Apache-2.0',
  'MPLv1.1': 'MPL-1.1',
  'MPLv2.0': 'MPL-2.0',
  Boost: 'BSL-1.0',
  OpenLDAP: 'OLDAP-2.8',
  CC0: 'CC0-1.0',
};

/** One term: a legacy name, or an SPDX id already (`MIT`, `zlib` as `Zlib`, `ISC`). */
function term(text: string): string | undefined {
  const name = text.trim();
  return LEGACY[name] ?? spdxId(name);
}

/** `(GPLv2+ or LGPLv3+) and BSD`: terms between `and`/`or` and parentheses, each translated. */
function translate(text: string): string | undefined {
  const parts = text.split(/(\(|\)|\s+and\s+|\s+or\s+)/iu);
  const out: string[] = [];
  for (const part of parts) {
    const operator = part.trim().toLowerCase();
    if (operator === '(' || operator === ')') out.push(operator);
    else if (operator === 'and' || operator === 'or') out.push(` ${operator.toUpperCase()} `);
    else if (operator !== '') {
      const spdx = term(part);
      if (spdx === undefined) return undefined;
      out.push(spdx);
    }
  }
  return spdxExpression(out.join(''));
}

/**
 * An rpm `License:` tag as its SPDX expression when it is one already (Fedora 38+, SUSE), or when
 * every name in it has a certain SPDX equivalent; otherwise as written.
 */
export const rpmLicense: (text: string) => string = rememberedPerText(
  (text) => spdxExpression(text) ?? translate(text) ?? text,
);
