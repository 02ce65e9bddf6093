import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../testing/index.js';

export interface SpawnedServer {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the server printed on stdout (the listening line, the dev CA line). */
  stdout(): string;
  stderr(): string;
  stop(): Promise<number | null>;
  /** SIGKILL: no cleanup, no flush, as in a power cut or OOM kill. */
  kill9(): Promise<void>;
}

/**
 * Runs `lockyard server ARGS` as a child process, as a user would, and waits for the line with
 * its bound address. LOCKYARD_TEST_CLI may name another entry script (for running these tests
 * against a different build of the CLI). `executable`: run the entry itself, so its `#!` line
 * (Node's flags, the deferred NODE_EXTRA_CA_CERTS) applies, instead of `node ENTRY`.
 */
export function spawnServer(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { readonly executable?: boolean } = {},
): Promise<SpawnedServer> {
  const entry = process.env['LOCKYARD_TEST_CLI'] ?? join(repoRoot, 'bin', 'lockyard.js');
  const [command, argv] = options.executable
    ? [entry, ['server', ...args]]
    : [process.execPath, [entry, 'server', ...args]];
  const child = spawn(command, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in 20 s: ${err.slice(0, 2000)}`));
    }, 20_000);
    const onData = (): void => {
      const url = /listening on (?<url>https?:\/\/\S+)/.exec(out)?.groups?.['url'];
      if (!url) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        url,
        child,
        stdout: () => out,
        stderr: () => err,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return exited;
        },
        kill9: async () => {
          child.kill('SIGKILL');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${err.slice(0, 2000)}`));
    });
  });
}
