import type { Catalog } from '../catalog/index.js';
import type { Severity } from '../rules/index.js';

export interface ImageCheckInput {
  readonly catalog: Catalog;
  readonly now: Date;
  /** An image whose config says it was created longer ago than this is reported. */
  readonly maxImageAgeDays: number;
}

export interface ImageCheckFinding {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Severity;
  /** What exactly is wrong, secrets masked. */
  readonly message: string;
  readonly path?: string | undefined;
  readonly layerIndex?: number | undefined;
}
