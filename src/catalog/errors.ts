import { LockyardError } from '../errors/index.js';

export type CatalogErrorCode =
  /** A cached catalog cannot be read back (a damaged data directory). */
  'CACHE_CORRUPT';

/** Something wrong with cataloguing itself rather than with the image (see ImageError for that). */
export class CatalogError extends LockyardError<CatalogErrorCode> {}
