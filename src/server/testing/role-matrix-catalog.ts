import type { Outcome } from './role-matrix-actions.js';

/** Every repository of the matrix server (startMatrixServer plus the actions' pushes). */
export const MATRIX_REPOSITORIES: readonly string[] = [
  'other/base',
  'pub/base',
  'team/app',
  'team/base',
];

/** "pub" allows anonymous pull, so every signed-in caller may pull from it. */
export const PUBLIC_PROJECT = 'pub';

/**
 * What a caller's `/v2/_catalog` must answer, given the projects it may pull from ('all' for a
 * system admin, undefined for an anonymous caller): 401 for anonymous callers, else 200 with
 * exactly the repositories of those projects. Returns one line per mismatch.
 */
export function catalogMismatches(
  who: string,
  outcome: Outcome,
  pulls: 'all' | readonly string[] | undefined,
): string[] {
  if (pulls === undefined)
    return outcome.status === 401 ? [] : [`${who} catalog: ${outcome.status}, not 401`];
  if (outcome.status !== 200) return [`${who} catalog: ${outcome.status}, not 200`];
  const expected = MATRIX_REPOSITORIES.filter(
    (name) => pulls === 'all' || pulls.includes(name.slice(0, name.indexOf('/'))),
  );
  const listed = [...(outcome.listed ?? [])].sort();
  return JSON.stringify(listed) === JSON.stringify(expected)
    ? []
    : [`${who} catalog: listed ${listed.join(',')}, expected ${expected.join(',')}`];
}
