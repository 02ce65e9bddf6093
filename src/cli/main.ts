import { CommanderError } from 'commander';
import { isLockyardError } from '../errors/index.js';
import { createConsoleLogger } from '../log/index.js';
import type { CliContext } from './context.js';
import { ExitCode } from './exit-codes.js';
import { createProgram } from './program.js';

/** For the launcher (bin/lockyard.js): see trust/. */
export { deferExtraCaCertificates } from '../trust/index.js';

export interface RunOptions {
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin?: NodeJS.ReadableStream;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs the CLI and returns the exit code. User errors (LockyardError, bad flags) print one line
 * and exit 2; anything else is a bug and prints its stack (also exit 2).
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const debug = argv.includes('--debug') || env['LOCKYARD_DEBUG'] === '1';
  const context: CliContext = {
    stdout: options.stdout ?? process.stdout,
    stderr,
    stdin: options.stdin ?? process.stdin,
    env,
    logger: createConsoleLogger({
      level: debug ? 'debug' : argv.includes('--quiet') || argv.includes('-q') ? 'error' : 'warn',
      stream: stderr,
    }),
    exitCode: ExitCode.ok,
  };
  if (!options.stdout) quietOnClosedPipe(process.stdout);
  const program = createProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.error;
    }
    if (isLockyardError(error)) {
      stderr.write(`lockyard: error: ${error.message}\n`);
      if (debug && error.stack) stderr.write(`${error.stack}\n`);
      return ExitCode.error;
    }
    stderr.write(
      `lockyard: internal error (please report): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.error;
  }
}

/**
 * `lockyard sbom … | head`: when the reader goes away, the rest of the output has nowhere to go.
 * That is not an error of ours, so no stack trace; the command still finishes and returns its own
 * exit code (a CI gate piped into a pager keeps its verdict).
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount('error') > 0) return;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    process.stderr.write(`lockyard: error: standard output: ${error.message}\n`);
    process.exitCode = ExitCode.error;
  });
}
