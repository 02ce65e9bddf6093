// Token auth over HTTPS (--tls-dev): the realm is https, skopeo follows it trusting the dev CA,
// and the admin CLI trusts it with --ca-file (and refuses the server without it).
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../../testing/index.js';
import { buildTestImage, tool } from '../testing/client-tools.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';

const ADMIN_PASSWORD = 'tls-admin-password';
const dir = useTempDir('lockyard-identity-tls-');
let server: SpawnedServer;
let trustDir: string;

beforeAll(async () => {
  server = await spawnServer(
    ['--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--tls-dev'],
    { LOCKYARD_ADMIN_PASSWORD: ADMIN_PASSWORD },
  );
  trustDir = /development CA in (?<dir>\S+)\/ca\.crt/.exec(server.stdout())?.groups?.['dir'] ?? '';
  expect(server.url).toMatch(/^https:/);
  await buildTestImage(join(dir, 'image'), 'v1', 'tls');
});
afterAll(async () => {
  await server.stop();
});

describe('token auth over TLS', () => {
  it('the admin CLI needs the CA with --ca-file', async () => {
    const args = [
      'registry',
      'project',
      'create',
      'team',
      '--server',
      server.url,
      '--username',
      'admin',
      '--password-stdin',
    ];
    const untrusted = await runCli(args, { input: `${ADMIN_PASSWORD}\n` });
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(
      new RegExp(
        `^lockyard: error: cannot reach ${server.url.replace(/[.]/g, '\\.')}: .*certificate.*\\n$`,
      ),
    );
    const trusted = await runCli([...args, '--ca-file', join(trustDir, 'ca.crt')], {
      input: `${ADMIN_PASSWORD}\n`,
    });
    expect(trusted).toEqual({ code: 0, stdout: 'project team created\n', stderr: '' });
  });

  it('challenges with an https realm that skopeo follows with the dev CA', async () => {
    const challenge = await new Promise<string | undefined>((resolve, reject) => {
      get(`${server.url}/v2/`, { ca: readFileSync(join(trustDir, 'ca.crt')) }, (response) => {
        response.resume();
        resolve(response.headers['www-authenticate']);
      }).on('error', reject);
    });
    expect(challenge).toBe(`Bearer realm="${server.url}/token",service="lockyard-registry"`);
    const host = new URL(server.url).host;
    const env = { REGISTRY_AUTH_FILE: join(dir, 'no-auth.json') };
    await tool(
      'skopeo',
      [
        'copy',
        '--dest-cert-dir',
        trustDir,
        '--dest-creds',
        `admin:${ADMIN_PASSWORD}`,
        `oci:${join(dir, 'image')}:v1`,
        `docker://${host}/team/app:v1`,
      ],
      env,
    );
    const inspected = JSON.parse(
      (
        await tool(
          'skopeo',
          [
            'inspect',
            '--cert-dir',
            trustDir,
            '--creds',
            `admin:${ADMIN_PASSWORD}`,
            `docker://${host}/team/app:v1`,
          ],
          env,
        )
      ).stdout,
    ) as {
      Labels: Record<string, string>;
    };
    expect(inspected.Labels).toEqual({ 'org.example.marker': 'tls' });
  });
});
