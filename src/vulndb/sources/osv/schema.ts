import * as z from 'zod';

/**
 * The OSV schema 1.x (https://ossf.github.io/osv-schema/) as far as Lockyard reads it. Fields
 * OSV leaves free-form (`database_specific`, `ecosystem_specific`) are read defensively by the
 * converter; unknown fields are ignored so newer minor versions still import. `null` is taken
 * as absent: some producers write it for empty optional fields.
 */
const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);
const textList = z
  .array(z.string().min(1, 'must not be empty'))
  .nullish()
  .transform((value) => value ?? []);

const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

export const osvEventSchema = z
  .object({
    introduced: z.string().min(1).optional(),
    fixed: z.string().min(1).optional(),
    last_affected: z.string().min(1).optional(),
    limit: z.string().min(1).optional(),
  })
  .refine((event) => EVENT_KEYS.filter((key) => event[key] !== undefined).length === 1, {
    error: 'an event must have exactly one of introduced, fixed, last_affected, limit',
  });

const severitySchema = z.object({ type: z.string().min(1), score: z.string().min(1) });

export const osvRangeSchema = z.object({
  type: z.enum(['ECOSYSTEM', 'SEMVER', 'GIT']),
  repo: optionalText,
  events: z.array(osvEventSchema).min(1, 'a range needs at least one event'),
});

export const osvAffectedSchema = z.object({
  package: z
    .object({ ecosystem: z.string().min(1), name: z.string().min(1), purl: optionalText })
    .nullish()
    .transform((value) => value ?? undefined),
  severity: z
    .array(severitySchema)
    .nullish()
    .transform((value) => value ?? []),
  ranges: z
    .array(osvRangeSchema)
    .nullish()
    .transform((value) => value ?? []),
  versions: z
    .array(z.string().min(1))
    .nullish()
    .transform((value) => value ?? []),
});

export const osvRecordSchema = z.object({
  id: z.string().min(1),
  modified: z.string().min(1, 'is required'),
  published: optionalText,
  withdrawn: optionalText,
  aliases: textList,
  related: textList,
  upstream: textList,
  summary: optionalText,
  details: optionalText,
  severity: z
    .array(severitySchema)
    .nullish()
    .transform((value) => value ?? []),
  affected: z
    .array(osvAffectedSchema)
    .nullish()
    .transform((value) => value ?? []),
  references: z
    .array(z.object({ type: z.string().min(1), url: z.string().min(1) }))
    .nullish()
    .transform((value) => value ?? []),
  database_specific: z.unknown().optional(),
});

export type OsvRecord = z.infer<typeof osvRecordSchema>;
export type OsvAffected = z.infer<typeof osvAffectedSchema>;
