import { createHash } from 'node:crypto';
import {
  describeIssues,
  imageIndexSchema,
  imageManifestSchema,
  MediaType,
  parseDigest,
  type Descriptor,
} from '../../oci/index.js';
import type { ManifestReferences } from '../../store/index.js';
import { RegistryError } from './errors.js';

/** The manifest media types this registry stores (image-spec v1.1 and Docker image manifest v2.2). */
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
]);

const INDEX_TYPES: ReadonlySet<string> = new Set([
  MediaType.ociIndex,
  MediaType.dockerManifestList,
]);

// Layers a registry need not hold: they carry `urls` and are fetched from there (Docker foreign
// layers, OCI non-distributable layers), so a manifest naming them is accepted without the blob.
const EXTERNAL_LAYER_TYPES: ReadonlySet<string> = new Set([
  MediaType.dockerForeignLayerGzip,
  MediaType.ociLayerNondistributable,
  MediaType.ociLayerNondistributableGzip,
  MediaType.ociLayerNondistributableZstd,
]);

export interface ParsedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly references: ManifestReferences;
  readonly subject: string | undefined;
  readonly artifactType: string | undefined;
  readonly annotations: Readonly<Record<string, string>> | undefined;
}

function invalid(message: string, detail: Record<string, string> = {}): RegistryError {
  return new RegistryError('MANIFEST_INVALID', message, { detail });
}

function stripParameters(contentType: string | undefined): string | undefined {
  const value = contentType?.split(';')[0]?.trim();
  return value === '' ? undefined : value;
}

function isExternal(descriptor: Descriptor): boolean {
  return EXTERNAL_LAYER_TYPES.has(descriptor.mediaType) && (descriptor.urls?.length ?? 0) > 0;
}

/**
 * Validates a pushed manifest and derives what the registry stores about it. The media type is
 * the body's `mediaType` or, when the body has none (allowed by image-spec), the Content-Type;
 * when both are present they must agree. `expectedDigest` (a PUT by digest) must match the bytes.
 */
export function parseManifest(
  bytes: Buffer,
  contentType: string | undefined,
  expectedDigest: string | undefined,
): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw invalid(`manifest is not valid JSON (${(error as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw invalid('manifest is not a JSON object');
  const declared = (json as { mediaType?: unknown }).mediaType;
  if (declared !== undefined && typeof declared !== 'string')
    throw invalid('manifest field mediaType is not a string', { field: 'mediaType' });
  const header = stripParameters(contentType);
  const mediaType = declared ?? header;
  if (mediaType === undefined)
    throw invalid('manifest has no mediaType field and the request no Content-Type');
  if (!MANIFEST_MEDIA_TYPES.has(mediaType)) {
    throw invalid(`unsupported manifest media type "${mediaType.slice(0, 200)}"`, {
      mediaType: mediaType.slice(0, 200),
    });
  }
  if (declared !== undefined && header !== undefined && header !== declared) {
    throw invalid(
      `manifest mediaType "${declared}" does not match Content-Type "${header.slice(0, 200)}"`,
      { mediaType: declared },
    );
  }

  const algorithm = expectedDigest ? parseDigest(expectedDigest).algorithm : 'sha256';
  const digest = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
  if (expectedDigest !== undefined && digest !== expectedDigest) {
    throw new RegistryError(
      'DIGEST_INVALID',
      `manifest digest ${digest} does not match the reference ${expectedDigest}`,
      {
        detail: { digest: expectedDigest },
      },
    );
  }

  if (INDEX_TYPES.has(mediaType)) {
    const result = imageIndexSchema.safeParse(json);
    if (!result.success) throw invalid(`invalid image index: ${describeIssues(result.error)}`);
    const index = result.data;
    return {
      digest,
      mediaType,
      references: { blobs: [], manifests: index.manifests.map((entry) => entry.digest) },
      subject: index.subject?.digest,
      artifactType: index.artifactType,
      annotations: index.annotations,
    };
  }
  const result = imageManifestSchema.safeParse(json);
  if (!result.success) throw invalid(`invalid image manifest: ${describeIssues(result.error)}`);
  const manifest = result.data;
  const blobs = [manifest.config, ...manifest.layers]
    .filter((descriptor) => !isExternal(descriptor))
    .map((descriptor) => descriptor.digest);
  return {
    digest,
    mediaType,
    references: { blobs: [...new Set(blobs)], manifests: [] },
    subject: manifest.subject?.digest,
    // The referrers API reports artifactType, falling back to the config media type.
    artifactType: manifest.artifactType ?? manifest.config.mediaType,
    annotations: manifest.annotations,
  };
}
