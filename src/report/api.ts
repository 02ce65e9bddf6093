import type { ReportFormat } from './sbom-format.js';
import { cyclonedxFormat } from './formats/cyclonedx/index.js';
import { jsonFormat } from './formats/json/index.js';
import { sarifFormat } from './formats/sarif/index.js';
import { spdxFormat } from './formats/spdx/index.js';
import { tableFormat } from './formats/table/index.js';

/** Every output format, explicitly; a test checks each folder is listed with id = folder name. */
export const reportFormats: ReadonlyMap<string, ReportFormat> = new Map<string, ReportFormat>(
  [tableFormat, jsonFormat, cyclonedxFormat, spdxFormat, sarifFormat].map((format) => [
    format.id,
    format,
  ]),
);

/** Formats that can render an SBOM (`lockyard sbom -f`). */
export const sbomFormats: ReadonlyMap<string, ReportFormat> = new Map(
  [...reportFormats].filter(([, f]) => f.renderSbom !== undefined),
);

/** Formats that can render a scan report (`lockyard scan -f`). */
export const scanFormats: ReadonlyMap<string, ReportFormat> = new Map(
  [...reportFormats].filter(([, f]) => f.renderScan !== undefined),
);
