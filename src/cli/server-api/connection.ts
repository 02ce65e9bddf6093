import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { readStdin, type CliContext } from '../context.js';
import { AdminClient, type Credentials } from './api-client.js';
import { AdminClientError } from './errors.js';

/** The flags every admin subcommand takes. */
export interface ConnectionFlags {
  readonly server?: string;
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly tokenStdin?: boolean;
  readonly caFile?: string[];
  readonly json?: boolean;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      '--server <url>',
      'the Lockyard server (default $LOCKYARD_SERVER), e.g. https://registry.example:5000',
    )
    .option(
      '--username <name>',
      'sign in as this user (default $LOCKYARD_USERNAME); the password is read with --password-stdin',
    )
    .option('--password-stdin', 'read your password from the first line of standard input')
    .option(
      '--token-stdin',
      "read a bearer token (from the server's /token) from the first line of standard input; $LOCKYARD_TOKEN also works",
    )
    .option(
      '--ca-file <pem...>',
      'CA certificate(s) to trust for the server (e.g. <data-dir>/tls-dev/trust/ca.crt)',
    )
    .option('--json', "print the server's JSON answer");
}

export interface Connection {
  readonly client: AdminClient;
  readonly credentials: Credentials;
  /** Lines of standard input left after the caller's secret (a new password, when asked for). */
  readonly stdinLines: string[];
  readonly json: boolean;
}

function serverUrl(flags: ConnectionFlags, context: CliContext): string {
  const server = flags.server ?? context.env['LOCKYARD_SERVER'];
  if (server === undefined || server === '')
    throw new AdminClientError(
      'INVALID_ARGUMENT',
      '--server <url> (or $LOCKYARD_SERVER) is required',
    );
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new AdminClientError(
      'INVALID_ARGUMENT',
      `--server: "${server.slice(0, 100)}" is not a URL (e.g. https://registry.example:5000)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new AdminClientError(
      'INVALID_ARGUMENT',
      `--server: only http and https URLs, not ${url.protocol}`,
    );
  return url.origin;
}

/**
 * Builds the client from the flags. Secrets only ever come from standard input or the
 * environment, never from an argument (which other users see in `ps`). Standard input is read
 * once: the first line is the caller's password or token, later lines answer `--new-password-stdin`.
 */
export async function connect(
  flags: ConnectionFlags,
  context: CliContext,
  readsStdin = false,
): Promise<Connection> {
  const server = serverUrl(flags, context);
  if (flags.passwordStdin && flags.tokenStdin)
    throw new AdminClientError(
      'INVALID_ARGUMENT',
      'choose one of --password-stdin and --token-stdin',
    );
  const needStdin = flags.passwordStdin === true || flags.tokenStdin === true || readsStdin;
  const lines = needStdin ? (await readStdin(context)).split(/\r?\n/) : [];
  let credentials: Credentials;
  if (flags.passwordStdin) {
    const username = flags.username ?? context.env['LOCKYARD_USERNAME'];
    if (username === undefined || username === '')
      throw new AdminClientError(
        'INVALID_ARGUMENT',
        '--password-stdin needs --username (or $LOCKYARD_USERNAME)',
      );
    const password = lines.shift() ?? '';
    if (password === '')
      throw new AdminClientError('INVALID_ARGUMENT', '--password-stdin: standard input is empty');
    credentials = { kind: 'basic', username, password };
  } else if (flags.tokenStdin) {
    const token = (lines.shift() ?? '').trim();
    if (token === '')
      throw new AdminClientError('INVALID_ARGUMENT', '--token-stdin: standard input is empty');
    credentials = { kind: 'bearer', token };
  } else {
    const token = context.env['LOCKYARD_TOKEN'];
    if (token === undefined || token === '') {
      throw new AdminClientError(
        'INVALID_ARGUMENT',
        'no credentials: give --username with --password-stdin, or --token-stdin, or set $LOCKYARD_TOKEN',
      );
    }
    credentials = { kind: 'bearer', token };
  }
  return {
    client: new AdminClient({ server, credentials, caFiles: flags.caFile ?? [] }),
    credentials,
    stdinLines: lines,
    json: flags.json === true,
  };
}

/** Runs an admin call with a connection and closes it afterwards. */
export async function withConnection(
  flags: ConnectionFlags,
  context: CliContext,
  run: (connection: Connection) => Promise<void>,
  readsStdin = false,
): Promise<void> {
  const connection = await connect(flags, context, readsStdin);
  try {
    await run(connection);
  } finally {
    await connection.client.close();
  }
}

/** A new password: the next line of standard input, or a generated one the caller prints once. */
export function newPassword(
  connection: Connection,
  fromStdin: boolean,
): { password: string; generated: boolean } {
  if (!fromStdin) return { password: randomBytes(18).toString('base64url'), generated: true };
  const password = connection.stdinLines.shift() ?? '';
  if (password === '') {
    const where =
      connection.credentials.kind === 'basic'
        ? 'the second line of standard input (the first is your own password)'
        : 'standard input';
    throw new AdminClientError(
      'INVALID_ARGUMENT',
      `--new-password-stdin: no new password on ${where}`,
    );
  }
  return { password, generated: false };
}
