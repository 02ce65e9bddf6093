import { Command } from 'commander';
import type { CliContext } from './context.js';
import { commands } from './commands/index.js';
import { VERSION } from '../product/index.js';

/** The `lockyard` program with every command registered from the explicit list. */
export function createProgram(context: CliContext): Command {
  const output = {
    writeOut: (text: string) => context.stdout.write(text),
    writeErr: (text: string) => context.stderr.write(text),
    outputError: (text: string, write: (text: string) => void) => {
      write(`lockyard: ${text}`);
    },
  };
  const program = new Command('lockyard')
    .description(
      'Container security across the lifecycle: SBOMs, vulnerability and secret scanning with a CI gate, and a private registry with scan on push and an audit trail.',
    )
    .version(VERSION, '-V, --version')
    .option('--debug', 'print debug logs and stack traces')
    .option('-q, --quiet', 'print only errors and results')
    .exitOverride()
    .configureOutput(output)
    .showSuggestionAfterError(true);
  for (const register of commands) program.addCommand(register(context));
  // Commands built with `new Command` do not inherit these; usage errors anywhere exit 2.
  const apply = (command: Command): void => {
    command.exitOverride().configureOutput(output).showSuggestionAfterError(true);
    for (const sub of command.commands) apply(sub);
  };
  for (const command of program.commands) apply(command);
  return program;
}
