import type { Catalog } from '../catalog/index.js';
import type { Severity } from '../rules/index.js';

export interface ImageCheckInput {
  readonly catalog: Catalog;
  readonly now: Date;
  /** An image whose config says it was created longer ago than this is reported. */
  readonly maxImageAgeDays: number;
  /**
   * The secret scanner also runs and reports rule matches in `Env` and history itself
   * (`src/secrets/image-config.ts`): LY-IMG-002/003 then keep only what it does not find (the
   * secret-looking variable name with a value set), so one secret is one finding.
   */
  readonly secretScanner?: boolean | undefined;
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
