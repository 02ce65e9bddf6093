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

const listSchema = z.array(entrySchema);
// Strict: a misspelt top-level key (`ignores:`) must not read as an empty, pass-everything file.
const documentSchema = z.strictObject({ ignore: listSchema.nullish() });

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
  // The file is a list, or a mapping with an `ignore:` list. Deciding the shape first lets the error
  // name the bad entry's field (`ignore.2.reason`) instead of "matches neither shape".
  const asList = Array.isArray(value);
  const result = asList ? listSchema.safeParse(value) : documentSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ScanConfigError(
      'IGNORE_FILE_INVALID',
      `${path}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}${issue?.path.length ? '' : ' (expected a list of entries, or `ignore:` with one)'}`,
    );
  }
  const entries = (Array.isArray(result.data) ? result.data : result.data.ignore) ?? [];
  const prefix = asList ? '' : 'ignore.';
  return entries.map((entry, index) => {
    let expires: Date | undefined;
    if (entry.expires !== undefined) {
      expires = entry.expires instanceof Date ? entry.expires : new Date(entry.expires);
      if (Number.isNaN(expires.getTime())) {
        throw new ScanConfigError(
          'IGNORE_FILE_INVALID',
          `${path}: ${prefix}${index}.expires: "${String(entry.expires)}" is not a date (use YYYY-MM-DD)`,
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
