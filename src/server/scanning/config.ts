import * as z from 'zod';
import { scanPolicySchema } from './policy.js';

// Project names as the registry's name grammar allows for one path component.
const PROJECT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

/**
 * The `scanning` section of lockyard.yaml. `projects` sets each project's pull gate until it is
 * changed through the API (which then wins); every other key is also a LOCKYARD_SCANNING_* variable.
 */
export const scanningConfigSchema = z
  .object({
    /** Scan every pushed image (default true). */
    enabled: z.boolean().default(true),
    /** Images scanned at the same time. */
    concurrency: z.number().int().min(1).max(16).default(1),
    /** The vulnerability database file (default DATA_DIR/vulndb/lockyard.db). */
    vulnDb: z.string().min(1).optional(),
    /** How often the database file is checked for a new build. */
    dbPollMs: z.number().int().min(50).default(10_000),
    projects: z
      .record(z.string().regex(PROJECT, 'not a project name'), scanPolicySchema)
      .default({}),
  })
  .strict();

export type ScanningConfig = z.infer<typeof scanningConfigSchema>;
