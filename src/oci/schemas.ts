import * as z from 'zod';
import { isDigest } from './digest.js';

// Schemas for the untrusted JSON inside images: OCI image-spec v1.1 and Docker image-spec v1.2.
// Unknown fields are kept (passthrough-free objects drop them, which is fine for reading).

export const digestSchema = z.string().refine(isDigest, { error: 'not a valid digest' });

export const platformSchema = z.object({
  architecture: z.string(),
  os: z.string(),
  'os.version': z.string().optional(),
  'os.features': z.array(z.string()).optional(),
  variant: z.string().optional(),
});

export const descriptorSchema = z.object({
  mediaType: z.string(),
  digest: digestSchema,
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: platformSchema.optional(),
  artifactType: z.string().optional(),
});

export const imageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const imageIndexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  subject: descriptorSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

export const historyEntrySchema = z.object({
  created: z.string().optional(),
  created_by: z.string().optional(),
  author: z.string().optional(),
  comment: z.string().optional(),
  empty_layer: z.boolean().optional(),
});

const healthcheckSchema = z.object({
  Test: z.array(z.string()).nullish(),
  Interval: z.number().optional(),
  Timeout: z.number().optional(),
  Retries: z.number().optional(),
});

export const containerConfigSchema = z.object({
  User: z.string().optional(),
  ExposedPorts: z.record(z.string(), z.unknown()).nullish(),
  Env: z.array(z.string()).nullish(),
  Entrypoint: z.array(z.string()).nullish(),
  Cmd: z.array(z.string()).nullish(),
  Volumes: z.record(z.string(), z.unknown()).nullish(),
  WorkingDir: z.string().optional(),
  Labels: z.record(z.string(), z.string()).nullish(),
  StopSignal: z.string().optional(),
  Healthcheck: healthcheckSchema.nullish(),
});

export const imageConfigSchema = z.object({
  created: z.string().optional(),
  author: z.string().optional(),
  architecture: z.string().default(''),
  os: z.string().default(''),
  variant: z.string().optional(),
  config: containerConfigSchema.nullish(),
  rootfs: z.object({
    type: z.string(),
    diff_ids: z.array(digestSchema),
  }),
  history: z.array(historyEntrySchema).optional(),
});

/** `manifest.json` at the root of a `docker save` archive. */
export const dockerArchiveManifestSchema = z.array(
  z.object({
    Config: z.string(),
    RepoTags: z.array(z.string()).nullish(),
    Layers: z.array(z.string()),
    LayerSources: z.record(z.string(), descriptorSchema).optional(),
  }),
);

export const ociLayoutFileSchema = z.object({ imageLayoutVersion: z.string() });

export type Platform = z.infer<typeof platformSchema>;
export type Descriptor = z.infer<typeof descriptorSchema>;
export type ImageManifest = z.infer<typeof imageManifestSchema>;
export type ImageIndex = z.infer<typeof imageIndexSchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type ImageConfig = z.infer<typeof imageConfigSchema>;
export type ContainerConfig = z.infer<typeof containerConfigSchema>;
