import { ImageError } from '../../errors.js';
import { digestOf, isDigest, parseDigest } from '../../digest.js';
import { MAX_MANIFEST_BYTES, type RegistryClient } from './client.js';
import { header } from './http.js';
import { checkAnsweredDigest } from './upload-session.js';

export interface PushedManifest {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
  /** The subject digest the registry said it indexed (`OCI-Subject`); undefined when it did not. */
  readonly subjectIndexed: string | undefined;
}

/**
 * PUT /manifests/<tag or digest> with the bytes as they are (the registry must store them
 * unchanged), `Content-Type` set to the manifest's own media type. A PUT is idempotent, so a
 * broken one is retried; the `Docker-Content-Digest` answer must be the digest of what we sent.
 */
export async function putManifest(
  client: RegistryClient,
  reference: string,
  bytes: Buffer,
  mediaType: string,
): Promise<PushedManifest> {
  const byDigest = isDigest(reference);
  const digest = digestOf(bytes, byDigest ? parseDigest(reference).algorithm : 'sha256');
  if (byDigest && digest !== reference) {
    throw new ImageError(
      'ARTIFACT_INVALID',
      `${client.what}: the manifest to push is ${digest}, not the digest ${reference} it was to be pushed as`,
    );
  }
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw new ImageError(
      'TOO_LARGE',
      `${client.what}: the manifest is ${bytes.length} bytes; registries need only accept ${MAX_MANIFEST_BYTES} (use fewer files or shorter annotations)`,
    );
  }
  const subject = byDigest ? `manifest ${reference}` : `manifest for tag "${reference}"`;
  const response = await client.request(`manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
    body: bytes,
  });
  if (response.status !== 201 && response.status !== 200) {
    throw await client.refusal(response, subject, {
      notFound: 'NAME_UNKNOWN',
      tooLargeHint: `the manifest is ${bytes.length} bytes`,
    });
  }
  await response.body.dump();
  checkAnsweredDigest(client, response, digest, subject);
  return {
    digest,
    size: bytes.length,
    mediaType,
    subjectIndexed: header(response, 'oci-subject')?.trim() || undefined,
  };
}
