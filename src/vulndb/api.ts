import type { AdvisorySource } from './source.js';
import { alpineSecdbSource } from './sources/alpine-secdb/index.js';
import { debianOvalSource } from './sources/debian-oval/index.js';
import { debianTrackerSource } from './sources/debian-tracker/index.js';
import { osvSource } from './sources/osv/index.js';

/**
 * The explicit registry of advisory sources (the KIND of `--source KIND:PATH`). A test checks
 * that every folder under sources/ is listed here and that its id equals the folder name.
 */
export const advisorySources: ReadonlyMap<string, AdvisorySource> = new Map<string, AdvisorySource>(
  [
    [osvSource.id, osvSource],
    [debianOvalSource.id, debianOvalSource],
    [debianTrackerSource.id, debianTrackerSource],
    [alpineSecdbSource.id, alpineSecdbSource],
  ],
);
