import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repo } from '../lib.js';

export interface RunningRegistry {
  readonly name: 'lockyard' | 'distribution';
  readonly url: string;
  readonly host: string;
  readonly pid: number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitForV2(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`registry exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/v2/`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`registry at ${url} did not answer /v2/`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) {
        resolve();
        return;
      }
      child.once('exit', () => {
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/** CNCF Distribution 2.8 (Debian's docker-registry): 127.0.0.1, filesystem storage in `dir`, deletes on. */
export async function startDistribution(dir: string): Promise<RunningRegistry> {
  const port = await freePort();
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitForV2(url, child);
  return {
    name: 'distribution',
    url,
    host: `127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stop: stopper(child),
  };
}

/**
 * `lockyard server` as a user runs it (LOCKYARD_BENCH_CLI may name another entry script). Scan on
 * push is off unless asked for: Distribution does no such work, and a scan of the pushed image
 * runs while the pull and load phases are measured.
 */
function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function startLockyard(
  dir: string,
  options: { scanning: boolean },
): Promise<RunningRegistry> {
  const entry = process.env['LOCKYARD_BENCH_CLI'] ?? join(repo, 'bin', 'lockyard.js');
  // Started through its first line, as `npx lockyard` starts it (Node flags, one malloc arena).
  const args = ['server', '--data-dir', dir, '--listen', '127.0.0.1:0', '--insecure-http'];
  const child = spawn(
    isExecutable(entry) ? entry : process.execPath,
    isExecutable(entry) ? args : [entry, ...args],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: {
        ...process.env,
        LOCKYARD_LOG_LEVEL: 'warn',
        LOCKYARD_SCANNING_ENABLED: options.scanning ? 'true' : 'false',
      },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /listening on (?<url>http:\/\/\S+)/.exec(out)?.groups?.['url'];
      if (found) resolve(found);
    });
    child.once('exit', (code) => {
      reject(new Error(`lockyard server exited with ${code}`));
    });
  });
  await waitForV2(url, child);
  return {
    name: 'lockyard',
    url,
    host: new URL(url).host,
    pid: child.pid ?? 0,
    stop: stopper(child),
  };
}
