import type { ReportFormat } from '../../sbom-format.js';
import { buildSarif } from './build-sarif.js';

export { buildSarif } from './build-sarif.js';

/** SARIF 2.1.0 for code-scanning UIs (GitHub, GitLab, Azure DevOps). */
export const sarifFormat: ReportFormat = {
  id: 'sarif',
  displayName: 'SARIF 2.1.0',
  urls: ['https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html'],
  mediaType: 'application/sarif+json',
  renderScan: (report, context) => `${JSON.stringify(buildSarif(report, context), null, 2)}\n`,
};
