/**
 * One stored audit record, exactly as it was hashed. The store keeps the fields as given and
 * never re-serializes them, so a verifier recomputes each hash from the bytes that were written.
 */
export interface AuditRow {
  /** 1, 2, 3, … with no gaps: a missing number is a deleted record. */
  readonly seq: number;
  /** Milliseconds since the epoch when the event happened. */
  readonly time: number;
  readonly actor: string;
  readonly action: string;
  /** What kind of thing was acted on: `manifest`, `tag`, `blob`, `user`, `scan-policy`, … */
  readonly targetType: string;
  readonly repository: string | undefined;
  /** The thing itself: a digest, a tag, a user name, a webhook id. */
  readonly target: string | undefined;
  /** The client's address as the server saw it. */
  readonly address: string | undefined;
  readonly result: string;
  /** Canonical JSON of the event's extra fields (sorted keys, no secrets). */
  readonly details: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** The newest record: what the next record chains to. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** A filter over the log; results come newest first. */
export interface AuditQuery {
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly repository?: string | undefined;
  /** Inclusive lower bound, ms since the epoch. */
  readonly since?: number | undefined;
  /** Exclusive upper bound, ms since the epoch. */
  readonly until?: number | undefined;
  /** Only records with a smaller seq: the cursor for the next page. */
  readonly before?: number | undefined;
  readonly limit: number;
}

/**
 * Append-only storage for the audit log. `append` runs `build` with the current head inside one
 * write transaction, so two writers can never chain to the same record; nothing updates or
 * deletes a row (the SQLite implementation refuses both with triggers).
 */
export interface AuditStore {
  append(build: (head: AuditHead | undefined) => readonly AuditRow[]): number;
  head(): AuditHead | undefined;
  query(query: AuditQuery): AuditRow[];
  /** Every record from `fromSeq` (default 1) in seq order, streamed for verification. */
  scan(fromSeq?: number): IterableIterator<AuditRow>;
  count(): number;
  close(): void;
}
