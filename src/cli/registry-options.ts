import type { Command } from 'commander';
import { ConfigError } from '../errors/index.js';
import type { RegistryOptions } from '../oci/index.js';
import { readStdin, type CliContext } from './context.js';

/** Flags of every command that talks to a registry as a client (sbom, scan, db push|pull, …). */
export interface RegistryFlags {
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly insecure?: boolean;
  readonly caFile?: string[];
}

export function addRegistryOptions(command: Command, what = "the image's registry"): Command {
  return command
    .option('--username <name>', 'registry user name (password from --password-stdin)')
    .option('--password-stdin', 'read the registry password or token from standard input')
    .option('--insecure', `reach ${what} over plain HTTP (that host only)`)
    .option('--ca-file <pem...>', 'extra CA certificate(s) to trust for the registry');
}

function registryHost(
  input: string,
  parseReference: (value: string) => { registry: string },
): string | undefined {
  try {
    return parseReference(input.replace(/^(?:registry|docker):(\/\/)?/, '')).registry;
  } catch {
    return undefined;
  }
}

/**
 * Credentials and transport for a reference: the password only from standard input (never a flag:
 * it would sit in shell history and `ps`), plain HTTP only for the named host.
 */
export async function resolveRegistryFlags(
  reference: string,
  flags: RegistryFlags,
  context: CliContext,
): Promise<RegistryOptions> {
  if (flags.passwordStdin && !flags.username)
    throw new ConfigError('INVALID_ARGUMENT', '--password-stdin needs --username');
  if (flags.username && !flags.passwordStdin) {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      '--username needs --password-stdin (pipe the password or token in)',
    );
  }
  const { parseReference } = await import('../oci/index.js');
  const host = flags.insecure ? registryHost(reference, parseReference) : undefined;
  if (flags.insecure && !host)
    throw new ConfigError('INVALID_ARGUMENT', '--insecure applies to registry references only');
  const password = flags.passwordStdin ? await readStdin(context) : undefined;
  const { readFileSync } = await import('node:fs');
  const caCertificates = (flags.caFile ?? []).map((file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError('INVALID_ARGUMENT', `--ca-file ${file}: ${(error as Error).message}`);
    }
  });
  return {
    ...(flags.username ? { username: flags.username } : {}),
    ...(password === undefined ? {} : { password }),
    ...(host ? { insecureHosts: [host] } : {}),
    ...(caCertificates.length > 0 ? { caCertificates } : {}),
  };
}
