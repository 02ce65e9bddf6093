import type { OsvAffected, OsvEvent } from '../versioning/index.js';
import type { AffectedRecord } from '../vulndb/index.js';

/** The versioning module's OSV shape from the database's normalized record. */
export function toOsvAffected(record: AffectedRecord): OsvAffected {
  return {
    versions: record.versions,
    ranges: record.ranges.map((range) => ({
      type: range.type,
      events: range.events.map((event): OsvEvent => {
        switch (event.kind) {
          case 'introduced':
            return { introduced: event.version };
          case 'fixed':
            return { fixed: event.version };
          case 'last_affected':
            return { last_affected: event.version };
          case 'limit':
            return { limit: event.version };
        }
      }),
    })),
  };
}
