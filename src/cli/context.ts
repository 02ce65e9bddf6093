import type { Logger } from '../log/index.js';

/** What a command needs from the process, injectable so commands stay testable. */
export interface CliContext {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** Set by a command to report its outcome (0 ok, 1 gate failed). */
  exitCode: number;
}

/** Reads all of stdin (for `--password-stdin`), trimming one trailing newline. */
export async function readStdin(context: CliContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of context.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
