import type { Advisory } from './model.js';

/** Where a warning came from: the file (inside an archive: `archive.tar.gz:path/in/it`) and field. */
export interface RecordOrigin {
  readonly file: string;
  readonly field?: string;
}

export interface AddOptions {
  /**
   * A fragment is part of an advisory: distro feeds say one CVE once per package and release,
   * so fragments with the same id merge. A whole record (OSV) replaces an older one with the
   * same id, and loses to a newer one.
   */
  readonly fragment: boolean;
}

/**
 * Where an importer streams its records. The sink validates every record against the
 * normalized schema; a record that fails is skipped with a warning, never thrown.
 */
export interface ImportSink {
  add(advisory: Advisory, origin: RecordOrigin, options: AddOptions): void;
  /** A record the importer could not read: skipped, counted, and warned about with file and field. */
  skip(origin: RecordOrigin, reason: string): void;
  /** Something worth telling that skips nothing (an unknown release name mapped as-is). */
  note(origin: RecordOrigin, message: string): void;
  /** A date the feed itself carries (OVAL's generator timestamp) that counts as its newest data. */
  feedDate(date: string): void;
}

export interface SourceInput {
  /** A file or directory; archives (.tar, .tar.gz, .zip) and compressed files are opened in place. */
  readonly path: string;
  readonly signal?: AbortSignal;
}

/** A feed Lockyard can download by default for `db update`. */
export interface DefaultFeed {
  readonly url: string;
  readonly description: string;
}

/**
 * One advisory feed format. `import` streams the input into the sink; it throws a VulnDbError
 * only when the input as a whole cannot be read (a corrupt archive, XML that is not well
 * formed), never for one bad record.
 */
export interface AdvisorySource {
  /** Equals the source's folder name and the KIND in `--source KIND:PATH`. */
  readonly id: string;
  readonly displayName: string;
  /** The format specifications and feed documentation this source follows. */
  readonly urls: readonly string[];
  /** What `db update` fetches when no feed list is configured. */
  readonly defaultFeeds: readonly DefaultFeed[];
  import(input: SourceInput, sink: ImportSink): Promise<void>;
}

export function defineSource(source: AdvisorySource): AdvisorySource {
  return source;
}
