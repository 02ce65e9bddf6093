import type { SbomFormat } from './sbom-format.js';
import { jsonFormat } from './formats/json/index.js';
import { tableFormat } from './formats/table/index.js';

/** Every SBOM format, explicitly; a test checks each folder is listed with id = folder name. */
export const sbomFormats: ReadonlyMap<string, SbomFormat> = new Map<string, SbomFormat>([
  [tableFormat.id, tableFormat],
  [jsonFormat.id, jsonFormat],
]);
