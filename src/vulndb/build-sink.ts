import type { Logger } from '../log/index.js';
import type { VulnDbWriter } from './db/writer.js';
import { firstIssue } from './issues.js';
import { advisorySchema, type Advisory } from './model.js';
import { newestDate } from './normalize.js';
import type { AddOptions, ImportSink, RecordOrigin } from './source.js';

/** Warnings logged one by one per source; past this only the count grows (a broken feed). */
const MAX_LOGGED_WARNINGS = 50;

export interface SinkCounts {
  records: number;
  affected: number;
  skipped: number;
  superseded: number;
  newest: string | undefined;
}

function describeSchemaIssue(advisory: Advisory): { field: string; reason: string } | undefined {
  const result = advisorySchema.safeParse(advisory);
  return result.success ? undefined : firstIssue(result.error);
}

/**
 * The sink for one input: validates each record against the normalized schema, writes it,
 * counts, and turns problems into warnings naming the source, file and field.
 */
export class BuildSink implements ImportSink {
  readonly counts: SinkCounts = {
    records: 0,
    affected: 0,
    skipped: 0,
    superseded: 0,
    newest: undefined,
  };
  private logged = 0;

  constructor(
    private readonly kind: string,
    private readonly writer: VulnDbWriter,
    private readonly logger: Logger,
    private readonly onRecord: (counts: SinkCounts) => void,
  ) {}

  add(advisory: Advisory, origin: RecordOrigin, options: AddOptions): void {
    const problem = describeSchemaIssue(advisory);
    if (problem !== undefined) {
      this.skip(
        { file: origin.file, field: problem.field },
        `record ${advisory.id || '(no id)'}: ${problem.reason}`,
      );
      return;
    }
    const outcome = this.writer.add(this.kind, advisory, options.fragment);
    if (outcome === 'superseded') {
      this.counts.superseded += 1;
    } else {
      this.counts.records += 1;
      this.counts.affected += advisory.affected.length;
      this.counts.newest = newestDate(this.counts.newest, advisory.modified, advisory.published);
    }
    this.onRecord(this.counts);
  }

  skip(origin: RecordOrigin, reason: string): void {
    this.counts.skipped += 1;
    this.warn('skipped malformed advisory record', origin, reason);
  }

  note(origin: RecordOrigin, message: string): void {
    this.warn('advisory feed problem (nothing skipped)', origin, message);
  }

  feedDate(date: string): void {
    this.counts.newest = newestDate(this.counts.newest, date);
  }

  private warn(message: string, origin: RecordOrigin, reason: string | undefined): void {
    this.logged += 1;
    if (this.logged > MAX_LOGGED_WARNINGS) return;
    this.logger.warn(message, {
      source: this.kind,
      file: origin.file,
      field: origin.field,
      reason,
    });
    if (this.logged === MAX_LOGGED_WARNINGS) {
      this.logger.warn('more warnings for this source are counted, not shown', {
        source: this.kind,
      });
    }
  }
}
