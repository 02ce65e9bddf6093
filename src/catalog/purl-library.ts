import { createRequire } from 'node:module';
import type * as PurlModule from 'packageurl-js';

type PurlLibrary = typeof PurlModule;
let library: PurlLibrary | undefined;

/**
 * The official purl library (packageurl-js), loaded when first needed. Its load sets up ICU
 * collation (~5 ms: it sorts its own tables with an `Intl.Collator`), which a warm run, a cached
 * catalog rendered again, never needs. `loadPurlLibrary` loads the bundled copy ahead of the
 * synchronous uses (the catalog build does, before it makes purls); `purlLibrary` is what those
 * uses call, and loads it on the spot when nothing did (tests calling `purlFor` directly).
 */
export async function loadPurlLibrary(): Promise<PurlLibrary> {
  library ??= await import('packageurl-js');
  return library;
}

export function purlLibrary(): PurlLibrary {
  library ??= createRequire(import.meta.url)('packageurl-js') as PurlLibrary;
  return library;
}
