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

/**
 * Warnings of one database file, bounded: a hostile file can be made of nothing but bad entries,
 * and a million warning strings would cost more than the scan. The first ones are kept, the rest
 * counted.
 */
export class WarningList {
  private readonly kept: string[] = [];
  private dropped = 0;

  constructor(private readonly limit = 100) {}

  push(warning: string): void {
    if (this.kept.length < this.limit) this.kept.push(warning);
    else this.dropped += 1;
  }

  toArray(): string[] {
    return this.dropped === 0
      ? [...this.kept]
      : [...this.kept, `... and ${this.dropped} more problems`];
  }
}
