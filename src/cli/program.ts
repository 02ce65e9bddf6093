import { Command } from 'commander';
import type { CliContext } from './context.js';
import { commands } from './commands/index.js';
import { VERSION } from './version.js';

/** The `lockyard` program with every command registered from the explicit list. */
export function createProgram(context: CliContext): Command {
  const program = new Command('lockyard')
    .description('Container security across the lifecycle: SBOMs, scanning, registry, signing, policy, runtime, secrets.')
    .version(VERSION, '-V, --version')
    .option('--debug', 'print debug logs and stack traces')
    .option('-q, --quiet', 'print only errors and results')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      outputError: (text, write) => {
        write(`lockyard: ${text.replace(/^error: /, 'error: ')}`);
      },
    })
    .showSuggestionAfterError(true);
  for (const register of commands) {
    const command = register(context);
    command.exitOverride();
    program.addCommand(command);
  }
  return program;
}
