import * as z from 'zod';

/** The `webhooks` section of lockyard.yaml (each key also a LOCKYARD_WEBHOOKS_* variable). */
export const webhooksConfigSchema = z
  .object({
    /** Attempts per delivery, the first included (8: about 10 minutes of retries by default). */
    maxAttempts: z.number().int().min(1).max(50).default(8),
    retryBaseMs: z.number().int().min(10).default(5_000),
    retryMaxMs: z
      .number()
      .int()
      .min(10)
      .default(60 * 60 * 1000),
    timeoutMs: z.number().int().min(100).default(10_000),
    concurrency: z.number().int().min(1).max(64).default(4),
  })
  .strict();

export type WebhooksConfig = z.infer<typeof webhooksConfigSchema>;
