export { normalizeLicense, normalizeLicenses, spdxExpression } from './spdx-license.js';
export { rememberedPerText, spdxId } from './distro-names.js';
