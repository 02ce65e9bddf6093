/** A manifest as the registry stores it: the exact bytes pushed, plus what was derived from them. */
export interface ManifestRecord {
  readonly repository: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly content: Buffer;
  /** `artifactType`, else the config media type of an image manifest (the referrers API reports it). */
  readonly artifactType: string | undefined;
  readonly subject: string | undefined;
  readonly annotations: Readonly<Record<string, string>> | undefined;
  readonly createdAt: number;
}

/** What a manifest points at; each must exist in the same repository before the manifest may. */
export interface ManifestReferences {
  readonly blobs: readonly string[];
  readonly manifests: readonly string[];
}

/** A manifest that names this one as its `subject` (the OCI referrers API). */
export interface Referrer {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType: string | undefined;
  readonly annotations: Readonly<Record<string, string>> | undefined;
}

export interface UploadSession {
  readonly id: string;
  readonly repository: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** A page of names: `limit` entries lexically after `after`, and whether more follow. */
export interface Page {
  readonly items: readonly string[];
  readonly more: boolean;
}

/** How `putManifest` treats the tag it moves. */
export interface PutManifestOptions {
  /**
   * The tag is immutable: it may be created, or pushed again with the digest it already has,
   * but never moved to another digest. Checked in the insert's transaction, so two concurrent
   * first pushes of different content cannot both win.
   */
  readonly immutableTag?: boolean;
}

export type PutManifestResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'missing'; readonly missing: readonly string[] }
  /** The tag is immutable and points at `current`; nothing was written. */
  | { readonly ok: false; readonly reason: 'tag-immutable'; readonly current: string };

/**
 * Everything the registry knows besides blob bytes: repositories, which blobs each repository
 * may serve, manifests and their references, tags, referrers, and upload sessions. Every write
 * is one transaction, so a crash leaves either the old state or the new one.
 */
export interface RegistryMetadata {
  listRepositories(limit: number | undefined, after: string | undefined): Promise<Page>;
  repositoryExists(repository: string): Promise<boolean>;

  linkBlob(repository: string, digest: string): Promise<void>;
  hasBlob(repository: string, digest: string): Promise<boolean>;
  unlinkBlob(repository: string, digest: string): Promise<boolean>;

  /**
   * Stores a manifest (and moves `tag` to it) only if every reference exists in the repository,
   * checked in the same transaction as the insert; otherwise reports the missing digests (or the
   * digest an immutable tag holds).
   */
  putManifest(
    manifest: ManifestRecord,
    references: ManifestReferences,
    tag: string | undefined,
    options?: PutManifestOptions,
  ): Promise<PutManifestResult>;
  getManifest(repository: string, digest: string): Promise<ManifestRecord | undefined>;
  resolveTag(repository: string, tag: string): Promise<string | undefined>;
  listTags(repository: string, limit: number | undefined, after: string | undefined): Promise<Page>;
  /** Deletes a manifest and every tag pointing at it; false when it was not there. */
  deleteManifest(repository: string, digest: string): Promise<boolean>;
  deleteTag(repository: string, tag: string): Promise<boolean>;
  referrers(repository: string, subject: string): Promise<readonly Referrer[]>;

  createUpload(session: UploadSession): Promise<void>;
  getUpload(id: string): Promise<UploadSession | undefined>;
  /** Moves an upload's expiry (a session lives `ttl` after its last chunk, not after its start). */
  touchUpload(id: string, expiresAt: number): Promise<void>;
  deleteUpload(id: string): Promise<void>;
  listUploads(): Promise<readonly UploadSession[]>;
  /** Sessions whose expiry is before `now`, oldest first (the server's background sweep). */
  expiredUploads(now: number): Promise<readonly UploadSession[]>;
  /** Deletes a session only if it is still expired at `now`; false when it was touched or gone. */
  deleteExpiredUpload(id: string, now: number): Promise<boolean>;

  /** A number that changes whenever another connection or process commits (for caches). */
  externalChanges(): number;
  close(): void;
}
