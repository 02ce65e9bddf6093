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
  | 'REGISTRY_ERROR'
  /** The registry does not know the repository (push or pull). */
  | 'NAME_UNKNOWN'
  /** The registry (or a proxy in front of it) refused a request body as too large (413). */
  | 'TOO_LARGE'
  /** An upload session went wrong: a missing Location, ranges that do not add up, a lost session. */
  | 'UPLOAD_INVALID'
  /** A file changed while it was being pushed (its bytes no longer match the digest taken first). */
  | 'CONTENT_CHANGED'
  /** What the caller asked to push or pull is unusable (a missing file, a bad media type, a clash). */
  | 'ARTIFACT_INVALID';

/** Anything wrong with an image: where it is, what it says, or what its blobs hold. */
export class ImageError extends LockyardError<ImageErrorCode> {}
