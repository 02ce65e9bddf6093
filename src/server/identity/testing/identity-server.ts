import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadServerConfig } from '../../config.js';
import { startServer, type RunningServer } from '../../server.js';

export const ADMIN_PASSWORD = 'first-admin-password';

export interface IdentityTestServer {
  readonly url: string;
  readonly dataDir: string;
  readonly server: RunningServer;
  /** Everything the server logged (JSON lines). */
  logs(): string;
  /** Stops the server; the data dir is removed unless `keepData` (for a restart on it). */
  close(keepData?: boolean): Promise<void>;
}

/**
 * The real server in this process on 127.0.0.1:0 over plain HTTP, with a fresh data dir, the
 * first admin created from ADMIN_PASSWORD (as LOCKYARD_ADMIN_PASSWORD would), and its logs kept.
 */
export async function startIdentityServer(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'lockyard-identity-')),
  // '' starts without one (as an unset LOCKYARD_ADMIN_PASSWORD).
  adminPassword = ADMIN_PASSWORD,
): Promise<IdentityTestServer> {
  let logs = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  const config = loadServerConfig({
    env,
    flags: { listen: '127.0.0.1:0', insecureHttp: true, dataDir },
  });
  const server = await startServer(config, dataDir, pino({ level: 'debug' }, sink), {
    adminPassword,
  });
  return {
    url: server.url,
    dataDir,
    server,
    logs: () => logs,
    close: async (keepData = false) => {
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** GET /token as a client does; returns the status and, on 200, the token. */
export async function fetchToken(
  url: string,
  authorization: string | undefined,
  scopes: readonly string[],
): Promise<{ status: number; token: string | undefined; body: unknown }> {
  const query = new URLSearchParams({ service: 'lockyard-registry' });
  for (const scope of scopes) query.append('scope', scope);
  const response = await fetch(`${url}/token?${query.toString()}`, {
    headers: authorization ? { authorization } : {},
  });
  const body = (await response.json()) as { token?: string };
  return { status: response.status, token: body.token, body };
}

export interface ApiResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

/** A JSON call to /api/v1. */
export async function api(
  url: string,
  method: string,
  path: string,
  authorization: string | undefined,
  body?: unknown,
): Promise<ApiResult> {
  const response = await fetch(`${url}/api/v1/${path}`, {
    method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    headers: response.headers,
  };
}

/** Uploads a blob in one request (POST ?digest=); returns the status. */
export async function pushBlob(
  url: string,
  repository: string,
  data: Buffer,
  authorization: string | undefined,
): Promise<number> {
  const response = await fetch(`${url}/v2/${repository}/blobs/uploads/?digest=${sha256(data)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      ...(authorization ? { authorization } : {}),
    },
    body: data,
  });
  await response.arrayBuffer();
  return response.status;
}

/** A one-layer image manifest over a random layer (unique per call); `blobs` must be pushed before the manifest. */
export function randomImage(): { blobs: Buffer[]; manifest: Buffer; digest: string } {
  const layer = randomBytes(256);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: sha256(layer),
          size: layer.length,
        },
      ],
    }),
  );
  return { blobs: [config, layer], manifest, digest: sha256(manifest) };
}

/** Pushes an image's blobs and its manifest under `reference`; returns the manifest PUT's status. */
export async function pushImage(
  url: string,
  repository: string,
  reference: string,
  image: ReturnType<typeof randomImage>,
  authorization: string | undefined,
): Promise<number> {
  for (const blob of image.blobs) {
    const status = await pushBlob(url, repository, blob, authorization);
    if (status !== 201) return status;
  }
  const response = await fetch(`${url}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/vnd.oci.image.manifest.v1+json',
      ...(authorization ? { authorization } : {}),
    },
    body: image.manifest,
  });
  await response.arrayBuffer();
  return response.status;
}
