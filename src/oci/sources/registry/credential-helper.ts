import * as z from 'zod';
import { ImageError } from '../../errors.js';
import { printable } from '../../printable.js';

export interface HelperCredentials {
  readonly username: string;
  readonly secret: string;
}

const helperOutputSchema = z.object({ Username: z.string(), Secret: z.string() });

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const TIMEOUT_MS = 30_000;

/**
 * Asks a docker credential helper for a server's credentials: runs `docker-credential-<name> get`
 * with the server URL on stdin and reads `{"Username","Secret"}` from stdout (the protocol of
 * docker/docker-credential-helpers). "Not found" answers mean anonymous access.
 */
export async function runCredentialHelper(
  helper: string,
  serverUrl: string,
  origin: string,
): Promise<HelperCredentials | undefined> {
  if (!HELPER_NAME.test(helper)) {
    throw new ImageError(
      'CREDENTIALS_UNAVAILABLE',
      `invalid credential helper name "${printable(helper)}" (${origin})`,
    );
  }
  const program = `docker-credential-${helper}`;
  const { spawn } = await import('node:child_process');
  const result = await new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
    missing: boolean;
  }>((resolve) => {
    const child = spawn(program, ['get'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: TIMEOUT_MS });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      resolve({ code: null, stdout: '', stderr: error.message, missing: error.code === 'ENOENT' });
    });
    child.on('close', (code) => {
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        missing: false,
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(serverUrl);
  });
  if (result.missing) {
    throw new ImageError(
      'CREDENTIALS_UNAVAILABLE',
      `credential helper ${program} (${origin}) is not installed or not on PATH; install it, or pass --username and --password-stdin`,
    );
  }
  const said = `${result.stdout}\n${result.stderr}`;
  if (result.code !== 0) {
    if (/credentials not found/i.test(said)) return undefined;
    const firstLine = printable(result.stderr.split('\n')[0] ?? '', 120);
    throw new ImageError(
      'CREDENTIALS_UNAVAILABLE',
      `credential helper ${program} (${origin}) failed with exit code ${result.code ?? 'none'}${firstLine ? `: ${firstLine}` : ''}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new ImageError(
      'CREDENTIALS_UNAVAILABLE',
      `credential helper ${program} (${origin}) printed something other than JSON`,
    );
  }
  const credentials = helperOutputSchema.safeParse(parsed);
  if (!credentials.success) {
    throw new ImageError(
      'CREDENTIALS_UNAVAILABLE',
      `credential helper ${program} (${origin}) answered without Username and Secret`,
    );
  }
  if (credentials.data.Secret === '') return undefined;
  return { username: credentials.data.Username, secret: credentials.data.Secret };
}
