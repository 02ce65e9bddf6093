import type { SbomFormat } from './sbom-format.js';
import { cyclonedxFormat } from './formats/cyclonedx/index.js';
import { jsonFormat } from './formats/json/index.js';
import { spdxFormat } from './formats/spdx/index.js';
import { tableFormat } from './formats/table/index.js';

/** Every SBOM format, explicitly; a test checks each folder is listed with id = folder name. */
export const sbomFormats: ReadonlyMap<string, SbomFormat> = new Map<string, SbomFormat>([
  [tableFormat.id, tableFormat],
  [jsonFormat.id, jsonFormat],
  [cyclonedxFormat.id, cyclonedxFormat],
  [spdxFormat.id, spdxFormat],
]);
