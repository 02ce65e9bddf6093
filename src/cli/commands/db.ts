import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import type { BuildProgress, BuildSummary, VulnDbStatus } from '../../vulndb/index.js';
import type { Logger } from '../../log/index.js';
import type { CliContext } from '../context.js';
import {
  addRegistryOptions,
  resolveRegistryFlags,
  type RegistryFlags,
} from '../registry-options.js';

interface DbFlags {
  readonly dataDir?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** The vulnerability database library, loaded on use so `lockyard --help` stays fast. */
const vulndb = (): Promise<typeof import('../../vulndb/index.js')> =>
  import('../../vulndb/index.js');

async function dataDirOf(flags: DbFlags): Promise<string> {
  const { resolveDataDir } = await import('../../store/index.js');
  return resolveDataDir(flags.dataDir);
}

async function databasePath(
  flags: DbFlags & { readonly output?: string; readonly db?: string },
): Promise<string> {
  const { defaultVulnDbPath } = await vulndb();
  return flags.output ?? flags.db ?? defaultVulnDbPath(await dataDirOf(flags));
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** One line per source on a terminal: records so far and records per second. */
function createBuildProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  enabled: boolean,
): {
  onProgress: (event: BuildProgress) => void;
  done: () => void;
  logger: (logger: Logger) => Logger;
} {
  if (!enabled || stream.isTTY !== true) {
    return { onProgress: () => undefined, done: () => undefined, logger: (logger) => logger };
  }
  let drawn = false;
  let last = 0;
  const clear = (): void => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    // A warning clears the progress line first, so the two never share a line.
    logger: (logger) => ({
      debug: (message, fields) => {
        clear();
        logger.debug(message, fields);
      },
      info: (message, fields) => {
        clear();
        logger.info(message, fields);
      },
      warn: (message, fields) => {
        clear();
        logger.warn(message, fields);
      },
      error: (message, fields) => {
        clear();
        logger.error(message, fields);
      },
    }),
    onProgress(event) {
      if (event.kind === 'source-start') {
        stream.write(
          `\r\x1b[2KImporting ${event.source} (${event.index + 1}/${event.total}) from ${event.input}`,
        );
        drawn = true;
        return;
      }
      if (event.kind === 'records') {
        const now = Date.now();
        if (now - last < 100) return;
        last = now;
        const rate = event.elapsedMs > 0 ? Math.round((event.records * 1000) / event.elapsedMs) : 0;
        stream.write(
          `\r\x1b[2KImporting ${event.source}: ${formatCount(event.records)} records (${formatCount(rate)}/s)${event.skipped ? `, ${formatCount(event.skipped)} skipped` : ''}`,
        );
        drawn = true;
      }
    },
    done: clear,
  };
}

function printSummary(context: CliContext, summary: BuildSummary): void {
  const lines = summary.sources.map((row) => {
    const rate =
      row.durationMs > 0 ? Math.round((row.records * 1000) / row.durationMs) : row.records;
    return `  ${row.kind.padEnd(15)} ${formatCount(row.records).padStart(9)} records ${formatCount(row.affected).padStart(9)} affected ${formatCount(row.skipped).padStart(6)} skipped  ${(row.durationMs / 1000).toFixed(1)}s (${formatCount(rate)}/s)  ${row.input}`;
  });
  const skipped = summary.sources.reduce((n, row) => n + row.skipped, 0);
  context.stdout.write(
    `Built ${summary.output} (${(summary.bytes / 1024 / 1024).toFixed(1)} MiB) in ${(summary.durationMs / 1000).toFixed(1)}s\n${lines.join('\n')}\n` +
      `  malformed records skipped: ${formatCount(skipped)}\n`,
  );
}

function formatAge(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(0, Math.round(ms / 60_000))} minutes`;
  if (hours < 48) return `${hours.toFixed(1)} hours`;
  return `${(hours / 24).toFixed(1)} days`;
}

function renderStatus(status: VulnDbStatus, now: Date): string {
  const age = now.getTime() - Date.parse(status.builtAt);
  const lines = [
    `Database:  ${status.path} (${(status.bytes / 1024 / 1024).toFixed(1)} MiB)`,
    `Schema:    ${status.schemaVersion}`,
    `Built at:  ${status.builtAt} (${formatAge(age)} ago)`,
    `Newest:    ${status.newest ?? 'unknown'}`,
    `Contents:  ${formatCount(status.advisories)} advisories, ${formatCount(status.affected)} affected entries, ${status.ecosystems.length} ecosystems`,
    'Sources:',
    ...status.sources.map(
      (s) =>
        `  ${s.kind.padEnd(15)} ${formatCount(s.records).padStart(9)} records ${formatCount(s.affected).padStart(9)} affected ${formatCount(s.skipped).padStart(6)} skipped  newest ${s.newest ?? 'unknown'}  ${s.input}`,
    ),
    // What a scan can be checked against; packages of any other ecosystem get a warning.
    'Ecosystems:',
    ...wrap(
      status.ecosystems.map((e) => `${e.ecosystem} (${formatCount(e.affected)})`),
      96,
    ).map((line) => `  ${line}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Joins items with ", " into lines of at most `width` characters (an item is never split). */
function wrap(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && line.length + 2 + item.length > width) {
      lines.push(`${line},`);
      line = item;
    } else line = line ? `${line}, ${item}` : item;
  }
  if (line) lines.push(line);
  return lines;
}

export function dbCommand(context: CliContext): Command {
  const db = new Command('db').description('Build, update and inspect the vulnerability database');

  db.command('build')
    .description('Build the vulnerability database from advisory feeds on disk')
    .requiredOption(
      '-s, --source <kind:path>',
      'an advisory input: osv, debian-oval, debian-tracker or alpine-secdb, then a file, directory or archive (repeatable)',
      collect,
    )
    .option(
      '-o, --output <file>',
      'database file to write (default: <data dir>/vulndb/lockyard.db)',
    )
    .option('--data-dir <dir>', 'data directory (default: $LOCKYARD_DATA_DIR or ~/.lockyard)')
    .action(async (flags: DbFlags & { source: string[]; output?: string }, cmd: Command) => {
      const { buildVulnDb, parseSourceSpec } = await vulndb();
      const inputs = flags.source.map(parseSourceSpec);
      const progress = createBuildProgress(context.stderr, !cmd.optsWithGlobals()['quiet']);
      try {
        const summary = await buildVulnDb({
          inputs,
          output: await databasePath(flags),
          logger: progress.logger(context.logger),
          onProgress: progress.onProgress,
        });
        progress.done();
        printSummary(context, summary);
      } finally {
        progress.done();
      }
    });

  db.command('status')
    .description('Show what the vulnerability database holds and how old it is')
    .option('--json', 'print the status as JSON')
    .option('--db <file>', 'database file (default: <data dir>/vulndb/lockyard.db)')
    .option('--data-dir <dir>', 'data directory (default: $LOCKYARD_DATA_DIR or ~/.lockyard)')
    .action(async (flags: DbFlags & { json?: boolean; db?: string }) => {
      const { openVulnDb } = await vulndb();
      const handle = openVulnDb(await databasePath(flags));
      try {
        const status = handle.status();
        const now = new Date();
        if (flags.json) {
          context.stdout.write(
            `${JSON.stringify({ ...status, ageSeconds: Math.round((now.getTime() - Date.parse(status.builtAt)) / 1000) }, null, 2)}\n`,
          );
        } else {
          context.stdout.write(renderStatus(status, now));
        }
      } finally {
        handle.close();
      }
    });

  db.command('update')
    .description(
      'Download the configured advisory feeds (only what changed) and rebuild the database',
    )
    .option('--feed <kind:url>', 'a feed to use instead of the defaults (repeatable)', collect)
    .option('--feeds <file>', 'a YAML or JSON list of feeds: [{ source, url, sha256? }]')
    .option('-o, --output <file>', 'database file (default: <data dir>/vulndb/lockyard.db)')
    .option('--data-dir <dir>', 'data directory (default: $LOCKYARD_DATA_DIR or ~/.lockyard)')
    .option('--force', 'rebuild even when no feed changed')
    .action(
      async (
        flags: DbFlags & { feed?: string[]; feeds?: string; output?: string; force?: boolean },
        cmd: Command,
      ) => {
        const { updateVulnDb } = await vulndb();
        const dataDir = await dataDirOf(flags);
        const progress = createBuildProgress(context.stderr, !cmd.optsWithGlobals()['quiet']);
        try {
          const result = await updateVulnDb({
            output: await databasePath(flags),
            cacheDir: join(dataDir, 'vulndb', 'feeds'),
            ...(flags.feed === undefined ? {} : { feedSpecs: flags.feed }),
            ...(flags.feeds === undefined ? {} : { feedsFile: flags.feeds }),
            force: flags.force ?? false,
            logger: progress.logger(context.logger),
            onProgress: progress.onProgress,
          });
          progress.done();
          for (const feed of result.feeds) {
            context.stdout.write(
              `  ${feed.source.padEnd(15)} ${feed.outcome.padEnd(10)} ${feed.url}\n`,
            );
          }
          if (result.summary === undefined)
            context.stdout.write(`Up to date: no feed changed since ${result.output} was built\n`);
          else printSummary(context, result.summary);
        } finally {
          progress.done();
        }
      },
    );

  addRegistryOptions(
    db
      .command('push')
      .description('Push the database to an OCI registry as an artifact (for air-gapped mirrors)')
      .argument('<reference>', 'where to push it, e.g. registry.example.com/security/vulndb:latest')
      .option('--db <file>', 'database file (default: <data dir>/vulndb/lockyard.db)')
      .option('--data-dir <dir>', 'data directory (default: $LOCKYARD_DATA_DIR or ~/.lockyard)'),
    'the registry',
  ).action(async (reference: string, flags: DbFlags & RegistryFlags & { db?: string }) => {
    const [{ pushVulnDb }, { ensureDataDir }] = await Promise.all([
      vulndb(),
      import('../../store/index.js'),
    ]);
    const registry = await resolveRegistryFlags(reference, flags, context);
    const path = await databasePath(flags);
    const { digest, status } = await pushVulnDb(path, reference, {
      registry,
      tmpDir: ensureDataDir(await dataDirOf(flags)).tmp,
    });
    context.stdout.write(
      `Pushed ${path} (built ${status.builtAt}, schema ${status.schemaVersion}) to ${reference}@${digest}\n`,
    );
  });

  addRegistryOptions(
    db
      .command('pull')
      .description(
        'Pull a database pushed with `db push`; it replaces the current one only once verified',
      )
      .argument('<reference>', 'where to pull it from, by tag or digest')
      .option(
        '-o, --output <file>',
        'database file to write (default: <data dir>/vulndb/lockyard.db)',
      )
      .option('--data-dir <dir>', 'data directory (default: $LOCKYARD_DATA_DIR or ~/.lockyard)'),
    'the registry',
  ).action(async (reference: string, flags: DbFlags & RegistryFlags & { output?: string }) => {
    const [{ pullVulnDb }, { ensureDataDir }] = await Promise.all([
      vulndb(),
      import('../../store/index.js'),
    ]);
    const registry = await resolveRegistryFlags(reference, flags, context);
    const output = await databasePath(flags);
    await mkdir(dirname(output), { recursive: true });
    const status = await pullVulnDb(reference, output, {
      registry,
      tmpDir: ensureDataDir(await dataDirOf(flags)).tmp,
    });
    context.stdout.write(
      `Pulled ${reference} into ${output} (built ${status.builtAt}, ${status.advisories.toLocaleString('en-US')} advisories)\n`,
    );
  });

  return db;
}
