export type {
  ManifestRecord,
  ManifestReferences,
  Page,
  PutManifestOptions,
  PutManifestResult,
  Referrer,
  RegistryMetadata,
  UploadSession,
} from './registry-metadata.js';
export type { RegistryMaintenance } from './maintenance.js';
export { RegistryMetadataError, type RegistryMetadataErrorCode } from './errors.js';
export {
  openSqliteRegistryMetadata,
  type SqliteRegistryMetadata,
} from './sqlite-registry-metadata.js';
