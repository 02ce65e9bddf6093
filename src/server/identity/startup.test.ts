// How identity starts with the server: the first admin from LOCKYARD_ADMIN_PASSWORD (once),
// auth.mode auto/token/none, the signing key kept across restarts (0600), and start-up refusals.
import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../../testing/index.js';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  fetchToken,
  pushImage,
  randomImage,
  startIdentityServer,
} from './testing/identity-server.js';

const dir = useTempDir('lockyard-identity-startup-');

function freshDir(): string {
  return mkdtempSync(join(dir, 'data-'));
}

describe('auth.mode auto', () => {
  it('leaves a registry without an admin open (as Distribution without auth), with the admin API off', async () => {
    const open = await startIdentityServer({}, freshDir(), '');
    try {
      expect(open.server.identity).toBeUndefined();
      expect(await pushImage(open.url, 'anyone/app', 'v1', randomImage(), undefined)).toBe(201);
      const disabled = await api(open.url, 'GET', 'users', undefined);
      expect(disabled.status).toBe(404);
      expect(disabled.body).toEqual({
        errors: [
          {
            code: 'IDENTITY_DISABLED',
            message:
              'user management is off: start the server with LOCKYARD_ADMIN_PASSWORD set (auth.mode)',
            detail: {},
          },
        ],
      });
      expect(open.logs()).toContain(
        'registry authentication is off: no administrator exists and LOCKYARD_ADMIN_PASSWORD is not set',
      );
    } finally {
      await open.close();
    }
  });

  it('creates the first admin once; later starts keep auth on, ignore a changed variable, and honour earlier tokens', async () => {
    const data = freshDir();
    const first = await startIdentityServer({}, data, ADMIN_PASSWORD);
    const token =
      (await fetchToken(first.url, basic('admin', ADMIN_PASSWORD), ['registry:catalog:*'])).token ??
      '';
    expect(first.logs()).toContain('first system administrator created');
    expect(first.logs()).not.toContain(ADMIN_PASSWORD);
    await first.close(true);
    // A too-open key file is tightened at start.
    chmodSync(join(data, 'identity', 'token-signing-key.pem'), 0o644);

    const second = await startIdentityServer({}, data, 'a-different-password');
    try {
      expect(second.logs()).toContain(
        'LOCKYARD_ADMIN_PASSWORD ignored: an administrator already exists',
      );
      expect(second.logs()).toContain('token signing key was readable by others; mode set to 0600');
      expect(statSync(join(data, 'identity', 'token-signing-key.pem')).mode & 0o777).toBe(0o600);
      expect(
        (await fetchToken(second.url, basic('admin', 'a-different-password'), [])).status,
      ).toBe(401);
      expect((await fetchToken(second.url, basic('admin', ADMIN_PASSWORD), [])).status).toBe(200);
      const catalog = await fetch(`${second.url}/v2/_catalog`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(catalog.status).toBe(200);
      expect((await fetch(`${second.url}/v2/`)).status).toBe(401);
    } finally {
      await second.close(true);
    }
    const third = await startIdentityServer({}, data, '');
    try {
      expect((await fetch(`${third.url}/v2/`)).status).toBe(401);
    } finally {
      await third.close();
    }
  });
});

describe('auth.mode token and none', () => {
  it('token mode refuses to start without an admin', async () => {
    await expect(
      startIdentityServer({ LOCKYARD_AUTH_MODE: 'token' }, freshDir(), ''),
    ).rejects.toThrow(
      'auth.mode is token but no system administrator exists: set LOCKYARD_ADMIN_PASSWORD for the first start',
    );
  });

  it('none mode opens the registry even when users exist', async () => {
    const data = freshDir();
    await (await startIdentityServer({}, data, ADMIN_PASSWORD)).close(true);
    const open = await startIdentityServer({ LOCKYARD_AUTH_MODE: 'none' }, data, '');
    try {
      expect((await fetch(`${open.url}/v2/`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('a bad first admin password stops the start with one line, without echoing it', async () => {
    await expect(startIdentityServer({}, freshDir(), 'short')).rejects.toThrow(
      'LOCKYARD_ADMIN_PASSWORD must be 8 to 256 characters long',
    );
    await expect(
      startIdentityServer(
        { LOCKYARD_AUTH_ADMIN_USERNAME: 'Root Admin' },
        freshDir(),
        ADMIN_PASSWORD,
      ),
    ).rejects.toThrow(/^invalid auth.adminUsername "Root Admin"/);
  });
});

describe('lockyard server (CLI)', () => {
  it('exits 2 with one line for a bad auth config', async () => {
    const data = join(tmpdir(), `lockyard-startup-${process.pid}`);
    const result = await runCli(
      ['server', '--data-dir', data, '--listen', '127.0.0.1:0', '--insecure-http'],
      {
        env: { LOCKYARD_AUTH_MODE: 'token', LOCKYARD_ADMIN_PASSWORD: '' },
      },
    );
    expect(result.code).toBe(2);
    expect(
      result.stderr
        .trim()
        .split('\n')
        .filter((line) => !line.startsWith('{')),
    ).toEqual([
      'lockyard: error: auth.mode is token but no system administrator exists: set LOCKYARD_ADMIN_PASSWORD for the first start',
    ]);
    const badKey = await runCli(
      ['server', '--data-dir', data, '--listen', '127.0.0.1:0', '--insecure-http'],
      { env: { LOCKYARD_AUTH_TOKEN_TTL_SECONDS: 'soon' } },
    );
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain(
      'lockyard: error: LOCKYARD_AUTH_TOKEN_TTL_SECONDS: expected a whole number, got "soon"',
    );
  });
});
