/**
 * Trove licence classifiers (https://pypi.org/classifiers/) that name exactly one SPDX licence.
 * Ambiguous ones (`BSD License`, `Apache Software License`: which version?) stay as raw text.
 */
const SPDX_BY_CLASSIFIER: ReadonlyMap<string, string> = new Map([
  ['MIT License', 'MIT'],
  ['MIT No Attribution License (MIT-0)', 'MIT-0'],
  ['ISC License (ISCL)', 'ISC'],
  ['Mozilla Public License 1.1 (MPL 1.1)', 'MPL-1.1'],
  ['Mozilla Public License 2.0 (MPL 2.0)', 'MPL-2.0'],
  ['GNU General Public License v2 (GPLv2)', 'GPL-2.0-only'],
  ['GNU General Public License v2 or later (GPLv2+)', 'GPL-2.0-or-later'],
  ['GNU General Public License v3 (GPLv3)', 'GPL-3.0-only'],
  ['GNU General Public License v3 or later (GPLv3+)', 'GPL-3.0-or-later'],
  ['GNU Lesser General Public License v2 (LGPLv2)', 'LGPL-2.0-only'],
  ['GNU Lesser General Public License v2 or later (LGPLv2+)', 'LGPL-2.0-or-later'],
  ['GNU Lesser General Public License v3 (LGPLv3)', 'LGPL-3.0-only'],
  ['GNU Lesser General Public License v3 or later (LGPLv3+)', 'LGPL-3.0-or-later'],
  ['GNU Affero General Public License v3', 'AGPL-3.0-only'],
  ['GNU Affero General Public License v3 or later (AGPLv3+)', 'AGPL-3.0-or-later'],
  ['Python Software Foundation License', 'PSF-2.0'],
  ['The Unlicense (Unlicense)', 'Unlicense'],
  ['Boost Software License 1.0 (BSL-1.0)', 'BSL-1.0'],
  ['Eclipse Public License 1.0 (EPL-1.0)', 'EPL-1.0'],
  ['Eclipse Public License 2.0 (EPL-2.0)', 'EPL-2.0'],
  ['European Union Public Licence 1.2 (EUPL 1.2)', 'EUPL-1.2'],
  ['Universal Permissive License (UPL)', 'UPL-1.0'],
  ['zlib/libpng License', 'Zlib'],
  ['CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)', 'CECILL-2.1'],
]);

const PREFIX = 'License ::';

/** `License :: OSI Approved :: MIT License` -> `MIT`; unmapped -> the last segment, as written. */
export function licenseFromClassifier(classifier: string): string | undefined {
  if (!classifier.startsWith(PREFIX)) return undefined;
  const segments = classifier.split('::').map((part) => part.trim());
  const last = segments[segments.length - 1];
  if (!last || last === 'OSI Approved' || segments.length < 2) return undefined;
  return SPDX_BY_CLASSIFIER.get(last) ?? last;
}
