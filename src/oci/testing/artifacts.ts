import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { repoRoot } from '../../testing/index.js';

const execFileAsync = promisify(execFile);

/** A file of `size` random bytes, written 1 MiB at a time (random: nothing compresses or dedupes it). */
export async function writeRandomFile(path: string, size: number): Promise<void> {
  function* chunks(): Generator<Buffer> {
    for (let written = 0; written < size; written += 1024 * 1024)
      yield randomBytes(Math.min(1024 * 1024, size - written));
  }
  await pipeline(Readable.from(chunks()), createWriteStream(path));
}

/** `sha256sum` of a file: the coreutils tool, not our hashing, is the oracle for "byte-identical". */
export async function sha256sum(path: string): Promise<string> {
  const { stdout } = await execFileAsync('sha256sum', [path]);
  return `sha256:${stdout.split(' ')[0] ?? ''}`;
}

export interface RssSample<T> {
  readonly result: T;
  readonly baselineMiB: number;
  readonly peakMiB: number;
}

/** Runs `work` while sampling this process's RSS every 10 ms: the peak over the baseline is what it cost. */
export async function measureRss<T>(work: () => Promise<T>): Promise<RssSample<T>> {
  const mib = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, baselineMiB: mib(baseline), peakMiB: mib(peak) };
  } finally {
    clearInterval(timer);
  }
}

export interface LockyardServer {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  stop(): Promise<void>;
}

/**
 * `lockyard server` from the built CLI as a child process (the registry a user runs), plain HTTP
 * on 127.0.0.1 with a free port; resolves once it prints the address it listens on.
 */
export function startLockyardServer(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<LockyardServer> {
  const entry = process.env['LOCKYARD_TEST_CLI'] ?? join(repoRoot, 'bin', 'lockyard.js');
  const child = spawn(
    process.execPath,
    [entry, 'server', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--insecure-http'],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lockyard server did not start:\n${output.slice(0, 2000)}`));
    }, 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const url = /listening on (?<url>https?:\/\/\S+)/.exec(output)?.groups?.['url'];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        host: new URL(url).host,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) {
              done();
              return;
            }
            child.once('exit', () => {
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`lockyard server exited with ${code ?? 'a signal'}:\n${output.slice(0, 2000)}`),
      );
    });
  });
}
