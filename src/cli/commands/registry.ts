import { Command } from 'commander';
import { join } from 'node:path';
import type { CliContext } from '../context.js';
import { parseDuration } from '../parse-duration.js';
import { addRegistryAdminCommands } from './registry-admin/index.js';

interface GcFlags {
  readonly config?: string;
  readonly dataDir?: string;
  readonly dryRun?: boolean;
  readonly gracePeriod?: string;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function registryCommand(context: CliContext): Command {
  const registry = new Command('registry').description(
    'Maintain the registry of a Lockyard server: gc, users, projects, members, robots, immutable tags',
  );
  registry
    .command('gc')
    .description(
      'Delete unreferenced blobs, untagged unreferenced manifests, expired uploads (safe while the server runs)',
    )
    .option('-c, --config <file>', 'the server YAML config (for dataDir and the grace period)')
    .option('--data-dir <dir>', 'data directory (default $LOCKYARD_DATA_DIR or ~/.lockyard)')
    .option('--dry-run', 'report what would be deleted, delete nothing')
    .option(
      '--grace-period <duration>',
      'keep anything written more recently than this (default from config: 1h)',
    )
    .action(async (flags: GcFlags) => {
      const [{ pino }, { collectGarbage, loadServerConfig }, { resolveDataDir }] =
        await Promise.all([
          import('pino'),
          import('../../server/index.js'),
          import('../../store/index.js'),
        ]);
      const config = loadServerConfig({
        ...(flags.config === undefined ? {} : { file: flags.config }),
        env: context.env,
        flags: flags.dataDir === undefined ? {} : { dataDir: flags.dataDir },
      });
      const dataDir = resolveDataDir(config.dataDir);
      const gracePeriodMs =
        flags.gracePeriod === undefined
          ? config.registry.gcGracePeriodSeconds * 1000
          : parseDuration(flags.gracePeriod, '--grace-period');
      const logger = pino({ level: 'warn' }, pino.destination({ fd: 2, sync: true }));
      const report = await collectGarbage(join(dataDir, 'registry'), {
        dryRun: flags.dryRun ?? false,
        gracePeriodMs,
        logger,
      });
      const verb = report.dryRun ? 'would delete' : 'deleted';
      context.stdout.write(
        `registry gc: ${verb} ${report.manifestsDeleted} manifests, ${report.blobsDeleted} blobs (${megabytes(report.bytesFreed)}), ` +
          `${report.uploadsDeleted} uploads, ${report.tempFilesDeleted} temp files\n`,
      );
    });
  addRegistryAdminCommands(registry, context);
  return registry;
}
