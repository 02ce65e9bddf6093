export type { Ordering, VersioningApi, VersionScheme } from './types.js';
export { VersionError, type VersionErrorCode } from './errors.js';
export { versionSchemes, getVersionScheme, versionSchemeForEcosystem } from './api.js';
export {
  isAffectedByOsv,
  isInOsvRange,
  type OsvAffected,
  type OsvEvent,
  type OsvRange,
} from './osv-range.js';
