import { join } from 'node:path';
import { parseDigest } from '../../oci/index.js';
import { BlobStoreError } from './errors.js';

/**
 * Where a blob lives under the store root: `blobs/<algorithm>/<first two hex>/<hex>`. The digest
 * is parsed first, so nothing from a request can name a path outside the store.
 */
export function blobPath(root: string, digest: string): string {
  let parsed;
  try {
    parsed = parseDigest(digest);
  } catch (error) {
    throw new BlobStoreError('DIGEST_INVALID', `invalid blob digest "${digest.slice(0, 150)}"`, {
      cause: error,
    });
  }
  return join(root, 'blobs', parsed.algorithm, parsed.encoded.slice(0, 2), parsed.encoded);
}

const UPLOAD_ID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/;

/** An upload's data file; ids are UUIDs we made, anything else is unknown (never a path). */
export function uploadPath(root: string, id: string): string | undefined {
  return UPLOAD_ID.test(id) ? join(root, 'uploads', id) : undefined;
}

export function isNotFound(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    (error.code === 'ENOENT' || error.code === 'ENOTDIR')
  );
}
