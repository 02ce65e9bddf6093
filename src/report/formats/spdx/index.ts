import type { ReportFormat } from '../../sbom-format.js';
import { buildSpdxDocument } from './build-document.js';

export { buildSpdxDocument } from './build-document.js';

/** SPDX 2.3 JSON. */
export const spdxFormat: ReportFormat = {
  id: 'spdx',
  displayName: 'SPDX 2.3 JSON',
  urls: ['https://spdx.github.io/spdx-spec/v2.3/'],
  mediaType: 'application/spdx+json',
  renderSbom: (catalog, context) =>
    `${JSON.stringify(buildSpdxDocument(catalog, context), null, 2)}\n`,
};
