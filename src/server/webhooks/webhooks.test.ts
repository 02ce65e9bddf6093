// Signed webhooks end to end: `lockyard server` as a child process, a receiver on 127.0.0.1 in
// this test, real pushes with skopeo; deliveries checked with an independent HMAC computation.
import { createHmac } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTlsFiles, useTempDir } from '../../testing/index.js';
import { tool } from '../testing/client-tools.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';
import {
  alpineArchive,
  eventually,
  installDb,
  vulnDbs,
} from '../scanning/testing/scan-fixtures.js';
import { backoffMs } from './deliverer.js';

const dir = useTempDir('lockyard-webhooks-');
const dataDir = join(dir, 'data');
let server: SpawnedServer;
let host: string;
let archive: string;

interface Received {
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

const received: Received[] = [];
/** Per path: the statuses to answer, in order; the last one repeats. */
const script = new Map<string, number[]>();
let receiver: Server;
let receiverUrl: string;
let closedPortUrl: string;

function answer(path: string): number {
  const queue = script.get(path) ?? [200];
  return queue.length > 1 ? (queue.shift() ?? 200) : (queue[0] ?? 200);
}

async function api(
  path: string,
  init: { method?: string; body?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api/v1/${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json' },
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

function hmac(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      received.push({
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(answer(path)).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // A port that was free a moment ago: connections to it are refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPortUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/hook`;
  await new Promise((resolve) => probe.close(resolve));

  archive = await alpineArchive(dir);
  const dbs = await vulnDbs(dir);
  await installDb(dbs.before, join(dataDir, 'vulndb', 'lockyard.db'));
  server = await spawnServer(
    ['--data-dir', dataDir, '--listen', '127.0.0.1:0', '--insecure-http'],
    {
      LOCKYARD_WEBHOOKS_RETRY_BASE_MS: '50',
      LOCKYARD_WEBHOOKS_MAX_ATTEMPTS: '3',
    },
  );
  host = new URL(server.url).host;
}, 180_000);

afterAll(async () => {
  await server.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('webhooks', () => {
  let secret = '';
  let hookId = '';

  it('creates a webhook per project; the secret is shown once and never again', async () => {
    const created = await api('projects/lib/webhooks', {
      method: 'POST',
      body: JSON.stringify({ url: `${receiverUrl}/lib`, events: ['push', 'delete', 'scan'] }),
    });
    expect(created.status).toBe(201);
    secret = String(created.body['secret']);
    hookId = String(created.body['id']);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await api('projects/lib/webhooks');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body['webhooks']).toEqual([
      expect.objectContaining({
        id: hookId,
        url: `${receiverUrl}/lib`,
        events: ['push', 'delete', 'scan'],
        enabled: true,
      }),
    ]);
  });

  it('delivers a signed push event, retrying after a 500, and logs every attempt', async () => {
    script.set('/lib', [500, 200]);
    await tool('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `docker-archive:${archive}`,
      `docker://${host}/lib/alpine:3.10`,
    ]);
    const pushes = await eventually(() => {
      const list = received.filter(
        (r) => r.path === '/lib' && r.headers['x-lockyard-event'] === 'push',
      );
      return list.length >= 2 ? list : undefined;
    });
    expect(pushes).toHaveLength(2);
    const [first, retry] = pushes;
    // One delivery, sent twice with the same id and the same signed body.
    expect(retry?.headers['x-lockyard-delivery']).toBe(first?.headers['x-lockyard-delivery']);
    expect(retry?.body).toBe(first?.body);
    for (const request of pushes) {
      expect(request.headers['x-lockyard-signature']).toBe(hmac(secret, request.body));
      expect(request.headers['content-type']).toBe('application/json');
    }
    expect(hmac('another-secret-entirely', first?.body ?? '')).not.toBe(
      first?.headers['x-lockyard-signature'],
    );
    const payload = JSON.parse(first?.body ?? '{}') as Record<string, unknown>;
    expect(payload).toMatchObject({
      event: 'push',
      project: 'lib',
      repository: 'lib/alpine',
      target: { tag: '3.10', mediaType: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    expect(String((payload['target'] as Record<string, unknown>)['digest'])).toMatch(
      /^sha256:[0-9a-f]{64}$/,
    );

    const log = await api(`projects/lib/webhooks/${hookId}/deliveries`);
    const delivery = (
      log.body['deliveries'] as {
        event: string;
        state: string;
        attempts: number;
        attemptLog: { status: number }[];
      }[]
    ).find((d) => d.event === 'push');
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(delivery?.attemptLog.map((a) => a.status)).toEqual([500, 200]);
  });

  it('sends scan completion with the result summary', async () => {
    const scan = await eventually(() =>
      received.find((r) => r.path === '/lib' && r.headers['x-lockyard-event'] === 'scan'),
    );
    expect(scan.headers['x-lockyard-signature']).toBe(hmac(secret, scan.body));
    const payload = JSON.parse(scan.body) as {
      repository: string;
      target: { digest: string };
      scan: { status: string; trigger: string; counts: Record<string, number>; added: string[] };
    };
    const view = await api(`repositories/lib/alpine/manifests/${payload.target.digest}/scan`);
    expect(payload).toMatchObject({
      repository: 'lib/alpine',
      scan: { status: 'done', trigger: 'scan' },
    });
    const summary = view.body['summary'] as Record<string, number>;
    expect(payload.scan.counts['UNKNOWN']).toBe(summary['UNKNOWN']);
    expect(payload.scan.added).toHaveLength(summary['total'] ?? -1);
  });

  it('delivers deletes', async () => {
    await tool('skopeo', ['delete', '--tls-verify=false', `docker://${host}/lib/alpine:3.10`]);
    const deleted = await eventually(() =>
      received.find((r) => r.headers['x-lockyard-event'] === 'delete'),
    );
    expect(JSON.parse(deleted.body)).toMatchObject({ event: 'delete', repository: 'lib/alpine' });
  });

  it('gives up after the configured attempts on 5xx and refused connections, at once on a 4xx', async () => {
    script.set('/down', [503]);
    script.set('/refuses', [400]);
    const hooks: Record<string, string> = {};
    for (const [name, url] of [
      ['down', `${receiverUrl}/down`],
      ['refuses', `${receiverUrl}/refuses`],
      ['closed', closedPortUrl],
    ] as const) {
      const created = await api('projects/team/webhooks', {
        method: 'POST',
        body: JSON.stringify({ url, events: ['push'] }),
      });
      expect(created.status).toBe(201);
      hooks[name] = String(created.body['id']);
    }
    await tool('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `docker-archive:${archive}`,
      `docker://${host}/team/alpine:1`,
    ]);
    const final = async (
      id: string,
    ): Promise<{
      state: string;
      attempts: number;
      lastError: string;
      attemptLog: { status?: number; error?: string }[];
    }> =>
      eventually(async () => {
        const body = (await api(`projects/team/webhooks/${id}/deliveries`)).body['deliveries'] as {
          state: string;
          attempts: number;
          lastError: string;
          attemptLog: { status?: number; error?: string }[];
        }[];
        return body[0]?.state === 'failed' ? body[0] : undefined;
      });
    const down = await final(hooks['down'] ?? '');
    expect(down.attempts).toBe(3);
    expect(down.attemptLog.map((a) => a.status)).toEqual([503, 503, 503]);
    const refuses = await final(hooks['refuses'] ?? '');
    expect(refuses).toMatchObject({ attempts: 1, lastError: 'HTTP 400' });
    const closed = await final(hooks['closed'] ?? '');
    expect(closed.attempts).toBe(3);
    expect(closed.lastError).toBe('ECONNREFUSED');
    // Only the 5xx receiver was asked three times; the 4xx one once.
    expect(received.filter((r) => r.path === '/down')).toHaveLength(3);
    expect(received.filter((r) => r.path === '/refuses')).toHaveLength(1);
  });

  it('pings and redelivers on request', async () => {
    const before = received.length;
    expect((await api(`projects/lib/webhooks/${hookId}/ping`, { method: 'POST' })).status).toBe(
      202,
    );
    const ping = await eventually(() =>
      received.slice(before).find((r) => r.headers['x-lockyard-event'] === 'ping'),
    );
    expect(ping.headers['x-lockyard-signature']).toBe(hmac(secret, ping.body));
    const deliveries = (await api(`projects/lib/webhooks/${hookId}/deliveries`)).body[
      'deliveries'
    ] as { id: string; event: string; payload: { id: string } }[];
    const push = deliveries.find((d) => d.event === 'push');
    const again = await api(
      `projects/lib/webhooks/${hookId}/deliveries/${push?.id ?? ''}/redeliver`,
      { method: 'POST' },
    );
    expect(again.status).toBe(202);
    const redelivered = await eventually(() =>
      received.find((r) => r.headers['x-lockyard-delivery'] === again.body['id']),
    );
    expect((JSON.parse(redelivered.body) as { id: string }).id).toBe(push?.payload.id);
  });

  it('reaches an HTTPS receiver whose CA NODE_EXTRA_CA_CERTS names, with the launcher deferring it', async () => {
    const files = await makeTlsFiles(join(dir, 'receiver-tls'));
    const events: unknown[] = [];
    const tlsReceiver = createHttpsServer(
      { cert: readFileSync(files.cert), key: readFileSync(files.key) },
      (request, response) => {
        events.push(request.headers['x-lockyard-event']);
        request.resume();
        response.end('ok');
      },
    );
    await new Promise<void>((resolve) => tlsReceiver.listen(0, '127.0.0.1', resolve));
    const hookUrl = `https://127.0.0.1:${(tlsReceiver.address() as AddressInfo).port}/hook`;
    const launched = await spawnServer(
      ['--data-dir', join(dir, 'data-tls'), '--listen', '127.0.0.1:0', '--insecure-http'],
      { NODE_EXTRA_CA_CERTS: files.caCert },
      { executable: true },
    );
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${launched.url}/api/v1/${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      const created = await post('projects/tls/webhooks', { url: hookUrl, events: ['push'] });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await post(`projects/tls/webhooks/${id}/ping`, {})).status).toBe(202);
      await eventually(() => (events.includes('ping') ? true : undefined), 10_000, 'the ping');
      expect(launched.stderr()).not.toMatch(/certificate/i);
    } finally {
      await launched.stop();
      await new Promise((resolve) => tlsReceiver.close(resolve));
    }
  });

  it('refuses bad webhook definitions with the field named', async () => {
    const cases: [unknown, string][] = [
      [
        { url: 'http://user:pw@127.0.0.1/x' },
        'webhook: url: expected an http or https URL without user name or password',
      ],
      [
        { url: 'ftp://127.0.0.1/x' },
        'webhook: url: expected an http or https URL without user name or password',
      ],
      [{ url: `${receiverUrl}/x`, events: ['pull'] }, 'webhook: events.0: '],
      [{ url: `${receiverUrl}/x`, secret: 'short' }, 'webhook: secret: at least 16 characters'],
      [{ url: `${receiverUrl}/x`, colour: 'red' }, 'webhook: colour: unknown field'],
    ];
    for (const [body, message] of cases) {
      const response = await api('projects/lib/webhooks', {
        method: 'POST',
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      expect(
        ((response.body['errors'] as { message: string }[])[0]?.message ?? '').startsWith(message),
      ).toBe(true);
    }
    expect((await api('projects/Bad_Name/webhooks')).status).toBe(400);
    expect((await api('projects/lib/webhooks/nope')).status).toBe(404);
    const notJson = await fetch(`${server.url}/api/v1/projects/lib/webhooks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{url:',
    });
    expect(notJson.status).toBe(400);
  });

  it('keeps webhook secrets out of logs and the audit log, and audits the changes', async () => {
    await server.stop();
    expect(server.stderr()).not.toContain(secret);
    const audit = readdirSync(join(dataDir, 'audit')).map((file) =>
      readFileSync(join(dataDir, 'audit', file)).toString('latin1'),
    );
    for (const bytes of audit) expect(bytes).not.toContain(secret);
    expect(audit.join('')).toContain('webhook.create');
    server = await spawnServer([
      '--data-dir',
      dataDir,
      '--listen',
      '127.0.0.1:0',
      '--insecure-http',
    ]);
  });
});

describe('retry schedule', () => {
  it('doubles from the base up to the cap, with at most 10% jitter', () => {
    const options = { retryBaseMs: 1000, retryMaxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, options, () => 0))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(backoffMs(2, options, () => 0.999)).toBe(2200);
  });
});
