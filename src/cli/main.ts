import { CommanderError } from 'commander';
import { isLockyardError } from '../errors/index.js';
import { createConsoleLogger } from '../log/index.js';
import type { CliContext } from './context.js';
import { ExitCode } from './exit-codes.js';
import { createProgram } from './program.js';

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
