import type { Readable } from 'node:stream';

/** What the store knows about one blob. */
export interface BlobInfo {
  readonly digest: string;
  readonly size: number;
  /** Last write (or re-write of the same content), milliseconds since the epoch; gc's grace period reads it. */
  readonly modifiedAt: number;
}

/** An inclusive byte range, as in an HTTP `Range: bytes=start-end` header. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** What a writer promises about the content it streams in; the store refuses a mismatch. */
export interface PutExpectation {
  /** `sha256:…` or `sha512:…`; without it the blob is stored under its sha256. */
  readonly digest?: string;
  readonly size?: number;
}

/**
 * Content-addressed blob storage. A blob becomes visible only complete and verified: `put`
 * hashes while streaming, refuses a digest or size mismatch, and publishes atomically, so a
 * reader (or a crash) never sees a partial blob. Putting the same content twice is safe, also
 * concurrently.
 */
export interface BlobStore {
  stat(digest: string): Promise<BlobInfo | undefined>;
  /** A stream of the blob (or of an inclusive range of it), or undefined when absent. */
  get(digest: string, range?: ByteRange): Promise<Readable | undefined>;
  put(source: AsyncIterable<Uint8Array>, expected?: PutExpectation): Promise<BlobInfo>;
  /**
   * Removes a blob; false when it was not there. With `writtenBefore`, removes it only if it was
   * last written before that time, atomically with respect to a concurrent put of the same
   * content (gc's grace period: a blob being pushed again is never lost).
   */
  delete(digest: string, options?: { readonly writtenBefore?: number }): Promise<boolean>;
  list(): AsyncIterable<BlobInfo>;
  /**
   * For stores on the local disk: the blob as an open file, so a server can send it without a
   * stream's per-chunk allocations. The caller closes it. Other stores leave this out.
   */
  openLocal?(digest: string): Promise<LocalBlobFile | undefined>;
}

/** An open, read-only blob file. */
export interface LocalBlobFile {
  readonly fd: number;
  readonly size: number;
  close(): Promise<void>;
}

/** The state of a resumable upload: how many bytes it holds so far. */
export interface UploadState {
  readonly id: string;
  readonly size: number;
  readonly modifiedAt: number;
}

/**
 * Resumable uploads staged next to a blob store (the OCI chunked upload protocol). Chunks are
 * appended strictly in order; `commit` verifies the whole content against the digest and moves
 * it into the store in one atomic step.
 */
export interface BlobUploads {
  create(): Promise<UploadState>;
  state(id: string): Promise<UploadState | undefined>;
  /**
   * Appends a chunk that must start at `offset` (the current size), returning the new state.
   * With `length`, a chunk of any other length is refused and nothing of it is kept.
   */
  append(
    id: string,
    offset: number,
    source: AsyncIterable<Uint8Array>,
    length?: number,
  ): Promise<UploadState>;
  commit(id: string, expected: PutExpectation & { readonly digest: string }): Promise<BlobInfo>;
  abort(id: string): Promise<boolean>;
  list(): AsyncIterable<UploadState>;
}
