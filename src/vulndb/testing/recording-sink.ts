import { advisorySchema, type Advisory } from '../model.js';
import type { AddOptions, ImportSink, RecordOrigin } from '../source.js';

export interface RecordedSkip extends RecordOrigin {
  readonly reason: string;
}

/**
 * A sink for source tests: keeps what a source produced, checks every record against the
 * normalized schema as the real builder does, and keeps skips and notes for assertions.
 */
export class RecordingSink implements ImportSink {
  readonly records: { advisory: Advisory; origin: RecordOrigin; fragment: boolean }[] = [];
  readonly skipped: RecordedSkip[] = [];
  readonly notes: RecordedSkip[] = [];
  readonly invalid: { id: string; issues: string }[] = [];
  readonly feedDates: string[] = [];

  add(advisory: Advisory, origin: RecordOrigin, options: AddOptions): void {
    const result = advisorySchema.safeParse(advisory);
    if (!result.success) this.invalid.push({ id: advisory.id, issues: result.error.message });
    this.records.push({ advisory, origin, fragment: options.fragment });
  }

  skip(origin: RecordOrigin, reason: string): void {
    this.skipped.push({ ...origin, reason });
  }

  note(origin: RecordOrigin, message: string): void {
    this.notes.push({ ...origin, reason: message });
  }

  feedDate(date: string): void {
    this.feedDates.push(date);
  }

  /** Every record with this id (distro feeds produce one fragment per package and release). */
  byId(id: string): Advisory[] {
    return this.records
      .filter((record) => record.advisory.id === id)
      .map((record) => record.advisory);
  }
}
