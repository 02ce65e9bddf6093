import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { loadServerConfig } from '../config.js';
import { startServer, type RunningServer } from '../server.js';

export interface TestRegistry {
  readonly url: string;
  readonly dataDir: string;
  readonly server: RunningServer;
  close(): Promise<void>;
}

/** Starts the real server in this process on 127.0.0.1:0 over plain HTTP, with a fresh data dir. */
export async function startTestRegistry(
  overrides: { maxManifestBytes?: number } = {},
): Promise<TestRegistry> {
  const dataDir = mkdtempSync(join(tmpdir(), 'lockyard-registry-'));
  const env = overrides.maxManifestBytes
    ? { LOCKYARD_REGISTRY_MAX_MANIFEST_BYTES: String(overrides.maxManifestBytes) }
    : {};
  const config = loadServerConfig({
    env,
    flags: { listen: '127.0.0.1:0', insecureHttp: true, dataDir },
  });
  const server = await startServer(config, dataDir, pino({ level: 'silent' }));
  return {
    url: server.url,
    dataDir,
    server,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function digestOf(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/**
 * A request with the path sent byte for byte (fetch normalises "..", which would hide what a
 * hostile client can send), optionally with a body shorter than its Content-Length.
 */
export function rawRequest(
  base: string,
  options: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    truncateAfter?: number;
  },
): Promise<RawResponse | 'connection-closed'> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          });
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (options.truncateAfter !== undefined) resolve('connection-closed');
      else reject(error);
    });
    if (options.body && options.truncateAfter !== undefined) {
      req.write(options.body.subarray(0, options.truncateAfter), () => {
        // Give the server the partial body, then drop the connection as a dying client would.
        setTimeout(() => req.destroy(), 100);
        setTimeout(() => {
          resolve('connection-closed');
        }, 400);
      });
      return;
    }
    req.end(options.body);
  });
}

/** The OCI error codes of an error response body. */
export function errorCodes(body: Buffer | string): string[] {
  const parsed = JSON.parse(body.toString()) as {
    errors?: { code?: unknown; message?: unknown }[];
  };
  return (parsed.errors ?? []).map((entry) => String(entry.code));
}
