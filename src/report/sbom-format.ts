import type { Catalog } from '../catalog/index.js';
import type { ScanReport } from './scan-report.js';

/** Context every renderer gets: the tool's identity and a clock (fixed in tests). */
export interface RenderContext {
  readonly toolName: string;
  readonly toolVersion: string;
  readonly now: Date;
}

/** One output format; it renders SBOMs, scan reports, or both. Registered in report/api.ts. */
export interface ReportFormat {
  readonly id: string;
  readonly displayName: string;
  readonly urls: readonly string[];
  readonly mediaType: string;
  readonly renderSbom?: (catalog: Catalog, context: RenderContext) => string;
  readonly renderScan?: (report: ScanReport, context: RenderContext) => string;
}

/** Kept for readability where only SBOM rendering is meant. */
export type SbomFormat = ReportFormat & {
  readonly renderSbom: (catalog: Catalog, context: RenderContext) => string;
};
