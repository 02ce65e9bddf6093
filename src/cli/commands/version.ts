import { Command } from 'commander';
import type { VersioningApi } from '../../versioning/index.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

/**
 * `lockyard version`: compare versions and test constraints with the exact rules the matcher
 * uses, so a user can see why a package version was (or was not) matched by an advisory.
 */
export function versionCommand(context: CliContext): Command {
  // exitOverride before the subcommands exist, so they inherit it: a usage error exits 2, not 1.
  const command = new Command('version')
    .exitOverride()
    .description("Compare versions and test constraints in a package ecosystem's version scheme");

  command
    .command('compare')
    .description('Print -1, 0 or 1 as version A sorts before, equal to, or after version B')
    .argument('<scheme>', 'version scheme (list them with `lockyard version schemes`)')
    .argument('[a]', 'first version')
    .argument('[b]', 'second version')
    .option(
      '--stdin',
      'read "A B" pairs from standard input, one per line, and print one result per line',
    )
    .action(
      async (
        schemeId: string,
        a: string | undefined,
        b: string | undefined,
        flags: { stdin?: boolean },
      ) => {
        const { getVersionScheme, VersionError } = await import('../../versioning/index.js');
        const { api } = getVersionScheme(schemeId);
        if (flags.stdin) {
          if (a !== undefined)
            throw new VersionError(
              'INVALID_VERSION',
              'version compare --stdin takes no versions on the command line',
            );
          await compareLines(context, api);
          return;
        }
        if (a === undefined || b === undefined)
          throw new VersionError(
            'INVALID_VERSION',
            'version compare needs two versions (or --stdin)',
          );
        context.stdout.write(`${api.compare(a, b)}\n`);
      },
    );

  command
    .command('matches')
    .description(
      'Print true (exit 0) or false (exit 1) as VERSION satisfies CONSTRAINT, e.g. ">= 1.0, < 2.0"',
    )
    .argument('<scheme>', 'version scheme (list them with `lockyard version schemes`)')
    .argument('<version>', 'the version to test')
    .argument('<constraint>', "a constraint in the scheme's own syntax or GHSA style (quote it)")
    .action(async (schemeId: string, version: string, constraint: string) => {
      const { getVersionScheme } = await import('../../versioning/index.js');
      const matched = getVersionScheme(schemeId).api.matches(version, constraint);
      context.stdout.write(`${String(matched)}\n`);
      context.exitCode = matched ? ExitCode.ok : ExitCode.gateFailed;
    });

  command
    .command('schemes')
    .description('List the version schemes and the specifications they follow')
    .action(async () => {
      const { versionSchemes } = await import('../../versioning/index.js');
      for (const scheme of versionSchemes.values())
        context.stdout.write(
          `${scheme.id.padEnd(10)} ${scheme.displayName}  ${scheme.urls[0] ?? ''}\n`,
        );
    });

  return command;
}

/** `--stdin`: one comparison per line; a bad line stops with its line number (exit 2). */
async function compareLines(context: CliContext, api: VersioningApi): Promise<void> {
  const [{ VersionError }, { createInterface }] = await Promise.all([
    import('../../versioning/index.js'),
    import('node:readline'),
  ]);
  const lines = createInterface({ input: context.stdin, crlfDelay: Infinity });
  let lineNumber = 0;
  const out: string[] = [];
  const flush = (): void => {
    if (out.length > 0) context.stdout.write(`${out.join('\n')}\n`);
    out.length = 0;
  };
  try {
    for await (const line of lines) {
      lineNumber++;
      const fields = line
        .trim()
        .split(/\s+/)
        .filter((f) => f.length > 0);
      if (fields.length === 0) continue;
      const [a, b] = fields;
      if (fields.length !== 2 || a === undefined || b === undefined) {
        throw new VersionError(
          'INVALID_VERSION',
          `stdin line ${lineNumber}: expected two versions separated by whitespace, got ${fields.length} fields`,
          { details: { line: lineNumber } },
        );
      }
      try {
        out.push(String(api.compare(a, b)));
      } catch (error) {
        if (error instanceof VersionError)
          throw new VersionError(error.code, `stdin line ${lineNumber}: ${error.message}`, {
            cause: error,
            details: { ...error.details, line: lineNumber },
          });
        throw error;
      }
      if (out.length >= 1024) flush();
    }
  } finally {
    flush();
  }
}
