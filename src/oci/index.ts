export { ImageError, type ImageErrorCode } from './errors.js';
export {
  MediaType,
  layerCompression,
  isIndexMediaType,
  isManifestMediaType,
  type Compression,
} from './media-types.js';
export { parseDigest, isDigest, sha256, digestOf, verifyDigest, type Digest } from './digest.js';
export {
  parseReference,
  formatReference,
  isValidRepositoryName,
  isValidTag,
  type Reference,
} from './reference.js';
export {
  parsePlatform,
  formatPlatform,
  hostPlatform,
  platformMatches,
  type PlatformSpec,
} from './platform.js';
export * from './schemas.js';
export { parseJsonDocument, describeIssues } from './parse-json.js';
export {
  historyForLayers,
  layerLabel,
  type Image,
  type Layer,
  type BlobLayer,
  type DirectoryLayer,
  type LayerEntry,
  type LayerFile,
  type LayerEvent,
  type EntryType,
  type ImageSourceKind,
} from './image.js';
export { readLayer, DEFAULT_MAX_LAYER_BYTES, type ReadLayerOptions } from './layer/read-layer.js';
export { normalizeEntryPath, resolveLinkTarget } from './layer/paths.js';
export {
  openImage,
  detectImageSource,
  type ImageSourceSpec,
  type OpenImageOptions,
} from './open-image.js';
export {
  resolveImage,
  blobLayers,
  selectFromIndex,
  type BlobFetcher,
  type ResolvedImage,
} from './resolve.js';
export type { RegistryOptions } from './sources/registry/index.js';
export { buildTar, entriesFromDirectory, type TarEntrySpec } from './writers/tar-builder.js';
export {
  writeOciLayout,
  writeOciIndex,
  writeImageBlobs,
  type ImageInput,
  type IndexEntryInput,
  type LayerInput,
  type WrittenImage,
} from './writers/oci-layout-writer.js';
export { pushArtifact } from './artifact/push-artifact.js';
export {
  pullArtifact,
  DEFAULT_MAX_ARTIFACT_BYTES,
  type PullArtifactTarget,
  type PulledArtifact,
  type PulledFile,
} from './artifact/pull-artifact.js';
export { listReferrers, type Referrer } from './artifact/list-referrers.js';
export {
  TITLE_ANNOTATION,
  type ArtifactInput,
  type ArtifactFile,
  type PushArtifactOptions,
  type SubjectDescriptor,
} from './artifact/artifact-input.js';
export { referrersTag } from './sources/registry/referrers.js';
export type { BlobOutcome } from './sources/registry/blob-pusher.js';
