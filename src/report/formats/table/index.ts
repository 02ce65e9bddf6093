import type { ReportFormat } from '../../sbom-format.js';
import { renderTable } from './render-table.js';
import { renderScanTable } from './scan-table.js';

export { renderTable } from './render-table.js';

/** A human summary: the image, the OS, then one row per package. */
export const tableFormat: ReportFormat = {
  id: 'table',
  displayName: 'Table',
  urls: ['https://github.com/lockyard/lockyard/blob/main/docs/formats.md#table'],
  mediaType: 'text/plain',
  renderSbom(catalog) {
    const os = catalog.os
      ? `${catalog.os.prettyName ?? catalog.os.id} (${catalog.os.id} ${catalog.os.versionId ?? ''})`.trim()
      : 'unknown';
    const header = [
      `Image: ${catalog.image.name}`,
      `OS: ${os}${catalog.distroless ? ' [distroless]' : ''}`,
      `Packages: ${catalog.packages.length}`,
      '',
    ];
    const rows = catalog.packages.map((pkg) => [
      pkg.name,
      pkg.version,
      pkg.type,
      pkg.locations[0]?.path ?? '',
    ]);
    return `${header.join('\n')}\n${renderTable(['NAME', 'VERSION', 'TYPE', 'PATH'], rows)}\n`;
  },
  renderScan: (report) => renderScanTable(report),
};
