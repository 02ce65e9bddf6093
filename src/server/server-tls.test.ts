// `lockyard server` start-up as a user meets it: TLS with the development CA and with a
// configured certificate (skopeo verifies both), and the refusals that keep plain HTTP local.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, selfSignedCertificate, useTempDir } from '../testing/index.js';
import { buildTestImage, tool } from './testing/client-tools.js';
import { spawnServer, type SpawnedServer } from './testing/spawn-server.js';

const dir = useTempDir('lockyard-tls-');
const running: SpawnedServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop();
});

async function start(args: string[], env: Record<string, string> = {}): Promise<SpawnedServer> {
  const server = await spawnServer(args, env);
  running.push(server);
  return server;
}

function cli(
  args: string[],
  env: Record<string, string> = {},
): { code: number | null; stdout: string; stderr: string } {
  const entry = process.env['LOCKYARD_TEST_CLI'] ?? join(repoRoot, 'bin', 'lockyard.js');
  const result = spawnSync(process.execPath, [entry, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('TLS', () => {
  it('--tls-dev creates a CA once, prints how to trust it, and skopeo pushes with it verified', async () => {
    const data = join(dir, 'dev');
    await buildTestImage(join(dir, 'image'), 'v1', 'tls');
    const server = await start(['--data-dir', data, '--listen', '127.0.0.1:0', '--tls-dev']);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const trustDir = join(data, 'tls-dev', 'trust');
    expect(server.stdout()).toContain(`development CA in ${trustDir}/ca.crt`);
    const host = new URL(server.url).host;
    await expect(
      tool('skopeo', ['copy', `oci:${join(dir, 'image')}:v1`, `docker://${host}/tls/app:v1`]),
    ).rejects.toThrow(/certificate signed by unknown authority/);
    await tool('skopeo', [
      'copy',
      '--dest-cert-dir',
      trustDir,
      `oci:${join(dir, 'image')}:v1`,
      `docker://${host}/tls/app:v1`,
    ]);
    const inspected = JSON.parse(
      (await tool('skopeo', ['inspect', '--cert-dir', trustDir, `docker://${host}/tls/app:v1`]))
        .stdout,
    ) as { Labels: Record<string, string> };
    expect(inspected.Labels).toEqual({ 'org.example.marker': 'tls' });
    // openssl, as an independent verifier, accepts the chain for 127.0.0.1.
    const verify = execFileSync(
      'openssl',
      [
        'verify',
        '-CAfile',
        join(trustDir, 'ca.crt'),
        '-verify_ip',
        '127.0.0.1',
        join(data, 'tls-dev', 'server.crt'),
      ],
      { encoding: 'utf8' },
    );
    expect(verify.trim()).toMatch(/: OK$/);

    const ca = readFileSync(join(trustDir, 'ca.crt'), 'utf8');
    await server.stop();
    const again = await start(['--data-dir', data, '--listen', '127.0.0.1:0', '--tls-dev']);
    expect(readFileSync(join(trustDir, 'ca.crt'), 'utf8')).toBe(ca);
    await tool('skopeo', [
      'inspect',
      '--cert-dir',
      trustDir,
      `docker://${new URL(again.url).host}/tls/app:v1`,
    ]);
  });

  it('serves a configured certificate and key (made by openssl)', async () => {
    const certs = join(dir, 'openssl');
    mkdirSync(join(certs, 'trust'), { recursive: true });
    selfSignedCertificate(join(certs, 'server.key'), join(certs, 'server.crt'), '/CN=localhost', [
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]);
    writeFileSync(join(certs, 'trust', 'ca.crt'), readFileSync(join(certs, 'server.crt')));
    const server = await start([
      '--data-dir',
      join(dir, 'conf'),
      '--listen',
      '127.0.0.1:0',
      '--tls-cert',
      join(certs, 'server.crt'),
      '--tls-key',
      join(certs, 'server.key'),
    ]);
    const host = new URL(server.url).host;
    await tool('skopeo', [
      'copy',
      '--dest-cert-dir',
      join(certs, 'trust'),
      `oci:${join(dir, 'image')}:v1`,
      `docker://${host}/conf/app:v1`,
    ]);
    const tags = JSON.parse(
      (
        await tool('skopeo', [
          'list-tags',
          '--cert-dir',
          join(certs, 'trust'),
          `docker://${host}/conf/app`,
        ])
      ).stdout,
    ) as { Tags: string[] };
    expect(tags.Tags).toEqual(['v1']);
  });
});

describe('start-up refusals (exit 2, one line naming the problem)', () => {
  it('refuses plain HTTP off loopback and without --insecure-http', () => {
    const open = cli([
      'server',
      '--data-dir',
      join(dir, 'x'),
      '--listen',
      '0.0.0.0:0',
      '--insecure-http',
    ]);
    expect(open.code).toBe(2);
    expect(open.stderr).toBe(
      'lockyard: error: refusing plain HTTP on 0.0.0.0: --insecure-http is allowed only on a loopback address (127.0.0.1, ::1, localhost)\n',
    );
    const none = cli(['server', '--data-dir', join(dir, 'x'), '--listen', '127.0.0.1:0']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^lockyard: error: no TLS configured: .*\n$/);
  });

  it('refuses an invalid config key from the file or an env variable', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'listen: 127.0.0.1:0\ninsecureHttp: true\ntlsDevv: true\n');
    const result = cli(['server', '--config', path, '--data-dir', join(dir, 'x')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `lockyard: error: invalid config key "tlsDevv" in ${path}: Unrecognized key: "tlsDevv"\n`,
    );
    const env = cli(['server', '--data-dir', join(dir, 'x')], { LOCKYARD_LISTEN: 'nonsense' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('invalid listen address "nonsense"');
  });

  it('takes its settings from LOCKYARD_* variables', async () => {
    const server = await start([], {
      LOCKYARD_DATA_DIR: join(dir, 'env'),
      LOCKYARD_LISTEN: '127.0.0.1:0',
      LOCKYARD_INSECURE_HTTP: '1',
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server.url}/v2/`)).headers.get('docker-distribution-api-version')).toBe(
      'registry/2.0',
    );
  });
});
