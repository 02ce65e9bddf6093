import { LockyardError } from '../../errors/index.js';

export type BlobStoreErrorCode =
  | 'DIGEST_INVALID'
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'UPLOAD_UNKNOWN'
  | 'UPLOAD_OFFSET'
  | 'STORAGE_ERROR';

/** A blob that cannot be stored or read: bad digest, content that does not match it, a lost upload. */
export class BlobStoreError extends LockyardError<BlobStoreErrorCode> {}
