export { normalizeLicense, normalizeLicenses, spdxExpression } from './spdx-license.js';
