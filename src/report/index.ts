export type { ReportFormat, SbomFormat, RenderContext } from './sbom-format.js';
export type {
  ScanReport,
  Scanner,
  Suppressible,
  Suppression,
  ScanSummary,
  GateResult,
  SeverityCounts,
  DbInfo,
} from './scan-report.js';
export { reportFormats, sbomFormats, scanFormats } from './api.js';
export { renderTable } from './formats/table/index.js';
export { redactImage } from './redact-image.js';
