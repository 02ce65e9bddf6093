import type { Catalog } from '../catalog/index.js';

/** Context every SBOM renderer gets: the tool's identity and a clock (fixed in tests). */
export interface RenderContext {
  readonly toolName: string;
  readonly toolVersion: string;
  readonly now: Date;
}

/** One SBOM output format. Registered in report/api.ts. */
export interface SbomFormat {
  readonly id: string;
  readonly displayName: string;
  readonly urls: readonly string[];
  /** File extension for `-o` defaults and content negotiation. */
  readonly mediaType: string;
  renderSbom(catalog: Catalog, context: RenderContext): string;
}
