import { redactImage } from '../../redact-image.js';
import type { ReportFormat } from '../../sbom-format.js';

/** Lockyard's own catalog JSON: everything the catalog knows, stable field order. */
export const jsonFormat: ReportFormat = {
  id: 'json',
  displayName: 'Lockyard JSON',
  urls: ['https://github.com/lockyard/lockyard/blob/main/docs/formats.md#json'],
  mediaType: 'application/json',
  // The image config is printed with its secrets masked (Env values, build arguments in history).
  renderSbom: (catalog, context) =>
    `${JSON.stringify({ tool: { name: context.toolName, version: context.toolVersion }, ...catalog, image: redactImage(catalog.image) }, null, 2)}\n`,
  renderScan: (report, context) =>
    `${JSON.stringify({ tool: { name: context.toolName, version: context.toolVersion }, ...report }, null, 2)}\n`,
};
