export { VulnDbError, type VulnDbErrorCode } from './errors.js';
export type {
  Advisory,
  AffectedPackage,
  AffectedRecord,
  AffectedStatus,
  EventKind,
  RangeEvent,
  RangeType,
  Reference,
  Severity,
  SeverityType,
  StoredAdvisory,
  VersionRange,
} from './model.js';
export { AFFECTED_STATUSES, advisorySchema } from './model.js';
export { canonicalEcosystem, packageKey } from './normalize.js';
export type {
  AdvisorySource,
  ImportSink,
  SourceInput,
  RecordOrigin,
  DefaultFeed,
} from './source.js';
export { advisorySources } from './api.js';
export {
  buildVulnDb,
  parseSourceSpec,
  resolveSource,
  type BuildInput,
  type BuildOptions,
  type BuildProgress,
  type BuildSummary,
} from './build.js';
export type { SourceRow } from './db/writer.js';
export { openVulnDb, type VulnDb, type VulnDbStatus, type SourceStatus } from './db/reader.js';
export { SCHEMA_VERSION } from './db/schema.js';
export { defaultVulnDbPath, checkFreshness, assertFresh, type Freshness } from './freshness.js';
export { updateVulnDb, type UpdateOptions, type UpdateResult } from './update/update.js';
export { defaultFeeds, parseFeedSpec, readFeedsFile, type FeedSpec } from './update/feeds.js';
export {
  pushVulnDb,
  pullVulnDb,
  VULNDB_ARTIFACT_TYPE,
  VULNDB_LAYER_MEDIA_TYPE,
  type DistributeOptions,
} from './distribute.js';
