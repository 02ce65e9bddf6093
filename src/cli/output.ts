import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CliContext } from './context.js';

/** Writes a report to `-o FILE` atomically (temp file + rename), or to stdout. */
export async function writeOutput(
  context: CliContext,
  output: string | undefined,
  content: string | Buffer,
): Promise<void> {
  if (!output || output === '-') {
    context.stdout.write(content);
    return;
  }
  await mkdir(dirname(output), { recursive: true });
  const temp = `${output}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, output);
}
