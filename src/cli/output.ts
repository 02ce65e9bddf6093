import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CliContext } from './context.js';

/**
 * Writes a report to `-o FILE`, or to stdout. A regular file (or a new one) is replaced
 * atomically: temp file + rename, so a reader never sees half a report. Anything else that
 * already exists (`/dev/null`, `/dev/stdout`, a FIFO) is written in place: renaming over it
 * would replace the device with a file (as root, `-o /dev/null` would break /dev/null).
 */
export async function writeOutput(
  context: CliContext,
  output: string | undefined,
  content: string | Buffer,
): Promise<void> {
  if (!output || output === '-') {
    context.stdout.write(content);
    return;
  }
  const existing = await stat(output).catch(() => undefined);
  if (existing && !existing.isFile()) {
    await writeFile(output, content);
    return;
  }
  await mkdir(dirname(output), { recursive: true });
  const temp = `${output}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, output);
}
