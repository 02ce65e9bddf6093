import { execFileSync } from 'node:child_process';
import type * as z from 'zod';

/**
 * Runs a small Python 3 script (standard library only) and parses its JSON output with a
 * schema: tests use it to count and read raw feed data independently of the code under test.
 */
export function python<T>(schema: z.ZodType<T>, script: string, ...args: string[]): T {
  const out = execFileSync('python3', ['-c', script, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return schema.parse(JSON.parse(out));
}
