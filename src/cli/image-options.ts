import { Option, type Command } from 'commander';
import { ConfigError } from '../errors/index.js';
import type { PlatformSpec, RegistryOptions } from '../oci/index.js';
import { readStdin, type CliContext } from './context.js';
import { parseByteSize } from './parse-size.js';

/** Flags shared by every command that reads an image (sbom, scan, …). */
export interface ImageFlags {
  readonly platform?: string;
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly insecure?: boolean;
  readonly dataDir?: string;
  readonly cache: boolean;
  readonly maxLayerSize?: string;
  readonly caFile?: string[];
}

export function addImageOptions(command: Command): Command {
  return command
    .option('--platform <os/arch[/variant]>', "platform to pick from a multi-platform image (default: this host's)")
    .option('--username <name>', 'registry user name (password from --password-stdin)')
    .option('--password-stdin', 'read the registry password or token from standard input')
    .option('--insecure', "reach the image's registry host over plain HTTP (that host only)")
    .option('--ca-file <pem...>', 'extra CA certificate(s) to trust for the registry')
    .option('--data-dir <dir>', 'data directory for caches and databases (default: $LOCKYARD_DATA_DIR or ~/.lockyard)')
    .option('--no-cache', 'neither read nor write the layer cache')
    .addOption(new Option('--max-layer-size <size>', 'refuse layers that expand beyond this size (e.g. 10GiB)').default('32GiB'));
}

export interface ResolvedImageFlags {
  readonly dataDir: string;
  readonly platform: PlatformSpec | undefined;
  readonly registry: RegistryOptions;
  readonly noCache: boolean;
  readonly maxLayerBytes: number;
}

function registryHost(input: string, parseReference: (value: string) => { registry: string }): string | undefined {
  try {
    return parseReference(input.replace(/^registry:(\/\/)?/, '')).registry;
  } catch {
    return undefined;
  }
}

export async function resolveImageFlags(input: string, flags: ImageFlags, context: CliContext): Promise<ResolvedImageFlags> {
  if (flags.passwordStdin && !flags.username) {
    throw new ConfigError('INVALID_ARGUMENT', '--password-stdin needs --username');
  }
  if (flags.username && !flags.passwordStdin) {
    // Never take a password from a flag (it would sit in shell history and `ps`).
    throw new ConfigError('INVALID_ARGUMENT', '--username needs --password-stdin (pipe the password or token in)');
  }
  const [{ parsePlatform, parseReference }, { resolveDataDir }] = await Promise.all([import('../oci/index.js'), import('../store/index.js')]);
  const password = flags.passwordStdin ? await readStdin(context) : undefined;
  const host = flags.insecure ? registryHost(input, parseReference) : undefined;
  if (flags.insecure && !host) throw new ConfigError('INVALID_ARGUMENT', '--insecure applies to registry references only');
  const { readFileSync } = await import('node:fs');
  const registry: RegistryOptions = {
    ...(flags.username ? { username: flags.username } : {}),
    ...(password === undefined ? {} : { password }),
    ...(host ? { insecureHosts: [host] } : {}),
    ...(flags.caFile ? { caCertificates: flags.caFile.map((file) => readFileSync(file, 'utf8')) } : {}),
  };
  return {
    dataDir: resolveDataDir(flags.dataDir),
    platform: flags.platform ? parsePlatform(flags.platform) : undefined,
    registry,
    noCache: !flags.cache,
    maxLayerBytes: parseByteSize(flags.maxLayerSize ?? '32GiB', '--max-layer-size'),
  };
}
