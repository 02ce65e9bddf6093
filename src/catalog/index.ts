export type { PackageType, OsInfo, PackageRecord, Package, Location } from './types.js';
export { CatalogError, type CatalogErrorCode } from './errors.js';
export { OS_PACKAGE_TYPES } from './types.js';
export type {
  Cataloger,
  ClaimedFile,
  FileHeader,
  FileOwnerList,
  ParseResult,
  PartialFile,
} from './cataloger.js';
export {
  defineCataloger,
  isExecutableFile,
  baseName,
  PARTIAL_READ_MIN_BYTES,
} from './cataloger.js';
export type { Catalog, ImageSummary, LayerSummary } from './catalog.js';
export type { LayerAnalysis, FileRecord, FileResult } from './layer-analysis.js';
export type { FileFinding, LocatedFileFinding } from './file-finding.js';
export { analyzeLayer, type AnalyzeLayerOptions } from './analyze-layer.js';
export { squash, type SquashedView, type VisibleResult } from './squash.js';
export { finalizePackages, canonicalPath, pickOs, comparePackages } from './finalize.js';
export { purlFor, distroQualifier } from './purl.js';
export { loadPurlLibrary, purlLibrary } from './purl-library.js';
export { imagePurl } from './image-purl.js';
export {
  buildCatalog,
  summarizeImage,
  type BuildCatalogOptions,
  type CatalogProgress,
} from './build-catalog.js';
export { catalogCache, catalogersFingerprint, type CatalogCache } from './cache.js';
export { catalogers, allCatalogers } from './api.js';
export { catalogImage, narrowCatalog, type CatalogImageOptions } from './catalog-image.js';
export { pathSkipper, skipPaths, type SkipPaths } from './skip-paths.js';
export { keepPackages, PACKAGE_KINDS, selectPackageKinds, type PackageKind } from './narrow.js';
