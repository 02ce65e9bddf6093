import type * as z from 'zod';
import { ImageError, type ImageErrorCode } from './errors.js';

/** Names every bad field of a zod failure in one line: `layers.0.digest: not a valid digest`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Parses untrusted JSON bytes through a schema; failures name the document and every bad field. */
export function parseJsonDocument<T extends z.ZodType>(
  bytes: Uint8Array | string,
  schema: T,
  what: string,
  code: ImageErrorCode = 'MANIFEST_INVALID',
): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new ImageError(code, `${what}: invalid JSON (${(error as Error).message})`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ImageError(code, `${what}: ${describeIssues(result.error)}`);
  }
  return result.data;
}
