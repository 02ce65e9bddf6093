import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { sbomCommand } from './sbom.js';
import { scanCommand } from './scan.js';
import { serverCommand } from './server.js';
import { registryCommand } from './registry.js';
import { dbCommand } from './db.js';
import { versionCommand } from './version.js';
import { auditCommand } from './audit.js';

/** Every CLI command, explicitly, in help order. */
export const commands: readonly ((context: CliContext) => Command)[] = [
  sbomCommand,
  scanCommand,
  serverCommand,
  registryCommand,
  dbCommand,
  auditCommand,
  versionCommand,
];
