import type { ImageConfig, ImageSourceKind } from '../oci/index.js';
import type { LocatedFileFinding } from './file-finding.js';
import type { OsInfo, Package } from './types.js';

export interface LayerSummary {
  readonly index: number;
  readonly digest: string | undefined;
  readonly diffId: string | undefined;
  readonly mediaType: string;
  readonly size: number | undefined;
  /** The Dockerfile step that made the layer (`history[].created_by`). */
  readonly createdBy: string | undefined;
}

export interface ImageSummary {
  readonly name: string;
  readonly kind: ImageSourceKind;
  readonly manifestDigest: string | undefined;
  readonly configDigest: string | undefined;
  readonly repoTags: readonly string[];
  /** `pkg:oci/<repository>@<digest>` (see image-purl.ts); absent without a digest. */
  readonly purl?: string | undefined;
  readonly platform: string | undefined;
  readonly created: string | undefined;
  readonly layers: readonly LayerSummary[];
  readonly config: ImageConfig;
}

/** The answer to "what is inside this image?": the input of SBOM formats and of matching. */
export interface Catalog {
  readonly schemaVersion: 1;
  readonly image: ImageSummary;
  readonly os: OsInfo | undefined;
  /** No package manager and shell, only a package list (Google distroless and the like). */
  readonly distroless: boolean;
  readonly packages: readonly Package[];
  /** Findings of file analyzers (secrets, permissions) in every layer, deleted files included. */
  readonly findings: readonly LocatedFileFinding[];
  readonly warnings: readonly string[];
}
