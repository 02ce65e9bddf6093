export type {
  BlobStore,
  BlobInfo,
  BlobUploads,
  ByteRange,
  LocalBlobFile,
  PutExpectation,
  UploadState,
} from './blob-store.js';
export { BlobStoreError, type BlobStoreErrorCode } from './errors.js';
export { openFsBlobStore, type FsBlobStore } from './fs-blob-store.js';
export { blobPath } from './paths.js';
export { syncDirectory } from './durable-fs.js';
