// Token auth over HTTPS (--tls-dev): the realm is https, skopeo follows it trusting the dev CA,
// and the admin CLI trusts it with --ca-file or NODE_EXTRA_CA_CERTS (and refuses the server without).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, useTempDir } from '../../testing/index.js';
import { buildTestImage, tool } from '../testing/client-tools.js';
import { layoutBlobs, layoutManifestDigest } from '../testing/layout-blobs.js';
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
    // Or, as for any Node program, through NODE_EXTRA_CA_CERTS: here the executable itself, whose
    // first line defers reading it to the first connection (src/trust/).
    const viaEnvironment = spawnSync(
      join(repoRoot, 'bin', 'lockyard.js'),
      [...args.slice(0, 3), 'team2', ...args.slice(4)],
      {
        input: `${ADMIN_PASSWORD}\n`,
        env: { ...process.env, NODE_EXTRA_CA_CERTS: join(trustDir, 'ca.crt') },
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect([viaEnvironment.status, viaEnvironment.stdout, viaEnvironment.stderr]).toEqual([
      0,
      'project team2 created\n',
      '',
    ]);
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

  it('skopeo copies back out byte for byte, lists tags and deletes over TLS, and refuses without the CA', async () => {
    const host = new URL(server.url).host;
    const env = { REGISTRY_AUTH_FILE: join(dir, 'no-auth.json') };
    const creds = `admin:${ADMIN_PASSWORD}`;
    const source = join(dir, 'image');
    const remote = `docker://${host}/tlsout/app`;
    for (const tag of ['v1', 'v2'])
      await tool(
        'skopeo',
        [
          'copy',
          '--dest-cert-dir',
          trustDir,
          '--dest-creds',
          creds,
          `oci:${source}:v1`,
          `${remote}:${tag}`,
        ],
        env,
      );

    // Back out to a fresh layout: the same manifest digest and every blob byte-identical.
    const out = join(dir, 'copied-out');
    await tool(
      'skopeo',
      ['copy', '--src-cert-dir', trustDir, '--src-creds', creds, `${remote}:v1`, `oci:${out}:v1`],
      env,
    );
    expect(layoutManifestDigest(out, 'v1')).toBe(layoutManifestDigest(source, 'v1'));
    const copied = layoutBlobs(out);
    const original = layoutBlobs(source);
    expect([...copied.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [digest, data] of copied)
      expect(data.equals(original.get(digest) ?? Buffer.alloc(0))).toBe(true);

    const listTags = async (): Promise<string[]> =>
      (
        JSON.parse(
          (
            await tool(
              'skopeo',
              ['list-tags', '--cert-dir', trustDir, '--creds', creds, remote],
              env,
            )
          ).stdout,
        ) as { Tags: string[] }
      ).Tags.sort();
    expect(await listTags()).toEqual(['v1', 'v2']);

    // Without the CA: a certificate error, never a silent fall-back to plain HTTP or no checks.
    const untrusted = join(dir, 'untrusted-out');
    await expect(
      tool('skopeo', ['copy', '--src-creds', creds, `${remote}:v1`, `oci:${untrusted}:v1`], env),
    ).rejects.toThrow(/x509: certificate signed by unknown authority/);
    expect(existsSync(join(untrusted, 'index.json'))).toBe(false);
    await expect(tool('skopeo', ['delete', '--creds', creds, `${remote}:v2`], env)).rejects.toThrow(
      /x509: certificate signed by unknown authority/,
    );
    expect(await listTags()).toEqual(['v1', 'v2']);

    // skopeo deletes by digest (a "*" scope): both tags name that manifest, so both go.
    await tool('skopeo', ['delete', '--cert-dir', trustDir, '--creds', creds, `${remote}:v2`], env);
    expect(await listTags()).toEqual([]);
    await expect(
      tool('skopeo', ['inspect', '--cert-dir', trustDir, '--creds', creds, `${remote}:v1`], env),
    ).rejects.toThrow(/manifest unknown/);
  });
});
