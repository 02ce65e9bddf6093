/** What a database reader hands on: the header blobs it found and what it could not read. */
export interface DbBlobs {
  readonly blobs: readonly Buffer[];
  readonly warnings: readonly string[];
  /** Set when the file is not readable at all (wrong format, bad metadata). */
  readonly error?: string | undefined;
}

export function unreadable(error: string): DbBlobs {
  return { blobs: [], warnings: [], error };
}
