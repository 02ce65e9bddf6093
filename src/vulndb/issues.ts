import type * as z from 'zod';

/** The first bad field of a zod failure and a one-line description of up to three issues. */
export function firstIssue(error: z.ZodError): { field: string; reason: string } {
  const path = (issue: z.core.$ZodIssue): string =>
    issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  const first = error.issues[0];
  return {
    field: first === undefined ? '(root)' : path(first),
    reason: error.issues
      .slice(0, 3)
      .map((issue) => `${path(issue)}: ${issue.message}`)
      .join('; '),
  };
}
