import type { Catalog } from '../../../catalog/index.js';
import type { ReportFormat } from '../../sbom-format.js';
import { addVulnerabilities } from './add-vulnerabilities.js';
import { buildBom, serializeBom } from './build-bom.js';

export { buildBom, serializeBom } from './build-bom.js';

/** CycloneDX 1.6 JSON, built with the official CycloneDX library; scans add `vulnerabilities`. */
export const cyclonedxFormat: ReportFormat = {
  id: 'cyclonedx',
  displayName: 'CycloneDX 1.6 JSON',
  urls: ['https://cyclonedx.org/docs/1.6/json/'],
  mediaType: 'application/vnd.cyclonedx+json',
  renderSbom: (catalog, context) => serializeBom(buildBom(catalog, context)),
  renderScan: (report, context) => {
    const catalog: Catalog = {
      schemaVersion: 1,
      image: report.artifact.image,
      os: report.artifact.os,
      distroless: report.artifact.distroless,
      packages: report.packages,
      findings: [],
      warnings: [],
    };
    const bom = buildBom(catalog, context);
    addVulnerabilities(bom, report);
    return serializeBom(bom);
  },
};
