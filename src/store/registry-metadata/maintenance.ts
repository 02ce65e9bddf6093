/**
 * The metadata operations garbage collection needs. Each sweep re-checks its condition inside
 * its own write transaction, so a push that lands between mark and sweep is never undone.
 */
export interface RegistryMaintenance {
  /** Manifests that are untagged, not referenced by another manifest of their repository, whose subject (if any) is gone, and older than `cutoff`. */
  unreachableManifests(cutoff: number): Promise<readonly { repository: string; digest: string }[]>;
  /** Deletes the manifest if it is still unreachable (see above); true when deleted. */
  sweepManifest(repository: string, digest: string, cutoff: number): Promise<boolean>;
  /**
   * What sweeping manifests to a fixed point would delete, and which blobs would still be
   * referenced afterwards, without changing anything (a dry run).
   */
  planManifestSweep(
    cutoff: number,
  ): Promise<{ readonly manifests: number; readonly referencedBlobs: ReadonlySet<string> }>;
  /** Every blob digest a stored manifest references. */
  referencedBlobs(): Promise<ReadonlySet<string>>;
  /** Drops every repository link of a blob, unless a manifest references it or a link is newer than `cutoff`; true when the blob may go. */
  sweepBlobLinks(digest: string, cutoff: number): Promise<boolean>;
}
