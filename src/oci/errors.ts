import { LockyardError } from '../errors/index.js';

export type ImageErrorCode =
  | 'IMAGE_NOT_FOUND'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'BLOB_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'DIGEST_MISMATCH'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'LAYER_CORRUPT'
  | 'UNSAFE_PATH'
  | 'SYMLINK_LOOP'
  | 'SIZE_LIMIT'
  | 'PLATFORM_NOT_FOUND'
  | 'REFERENCE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'CREDENTIALS_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'REGISTRY_ERROR';

/** Anything wrong with an image: where it is, what it says, or what its blobs hold. */
export class ImageError extends LockyardError<ImageErrorCode> {}
