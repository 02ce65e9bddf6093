import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import * as z from 'zod';
import { LockyardError } from '../errors/index.js';

export class ScanConfigError extends LockyardError<'IGNORE_FILE_INVALID' | 'VEX_INVALID'> {}

const entrySchema = z.object({
  id: z.string().min(1, 'must not be empty'),
  package: z.string().min(1).optional(),
  path: z.string().min(1).optional(),
  reason: z.string().min(1, 'say why the finding is ignored'),
  expires: z.union([z.string(), z.date()]).optional(),
});

const fileSchema = z.union([z.object({ ignore: z.array(entrySchema) }), z.array(entrySchema)]);

export interface IgnoreEntry {
  readonly id: string;
  readonly package: string | undefined;
  readonly path: string | undefined;
  readonly reason: string;
  readonly expires: Date | undefined;
}

/**
 * Reads `.lockyardignore` (YAML): a list (or `ignore:` list) of `{ id, package?, path?, reason,
 * expires? }`. A bad entry stops the scan with the entry and field named: a gate must not pass on a
 * file it could not read.
 */
export async function readIgnoreFile(path: string): Promise<IgnoreEntry[]> {
  let value: unknown;
  try {
    value = parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ScanConfigError(
      'IGNORE_FILE_INVALID',
      `${path}: ${(error as Error).message.split('\n')[0] ?? 'unreadable'}`,
    );
  }
  if (value === null || value === undefined) return [];
  const result = fileSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ScanConfigError(
      'IGNORE_FILE_INVALID',
      `${path}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    );
  }
  const entries = Array.isArray(result.data) ? result.data : result.data.ignore;
  return entries.map((entry, index) => {
    let expires: Date | undefined;
    if (entry.expires !== undefined) {
      expires = entry.expires instanceof Date ? entry.expires : new Date(entry.expires);
      if (Number.isNaN(expires.getTime())) {
        throw new ScanConfigError(
          'IGNORE_FILE_INVALID',
          `${path}: ${index}.expires: "${String(entry.expires)}" is not a date (use YYYY-MM-DD)`,
        );
      }
    }
    return {
      id: entry.id,
      package: entry.package,
      path: entry.path,
      reason: entry.reason,
      expires,
    };
  });
}
