export { runScan, type ScanOptions } from './run-scan.js';
export { loadTarget, analyzersFor } from './load-target.js';
export { readIgnoreFile, ScanConfigError, type IgnoreEntry } from './ignore-file.js';
export { readVex, type VexStatement } from './vex.js';
export type {
  ScanReport,
  Scanner,
  Suppressible,
  Suppression,
  ScanSummary,
  GateResult,
  SeverityCounts,
  DbInfo,
} from '../report/index.js';
