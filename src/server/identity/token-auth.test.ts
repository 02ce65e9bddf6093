// Token auth as the distribution token spec and RFC 6750 describe it, against the real server:
// the challenge, GET /token (Basic or anonymous), the OAuth2 POST form with refresh tokens, and
// every way a bearer token can be wrong (expired, forged, other audience or issuer, wrong
// algorithm, a refresh token used as an access token, an account deleted or re-keyed since).
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  fetchToken,
  pushImage,
  randomImage,
  startIdentityServer,
  type IdentityTestServer,
} from './testing/identity-server.js';

let env: IdentityTestServer;
let serverKey: KeyObject;
const admin = basic('admin', ADMIN_PASSWORD);

beforeAll(async () => {
  env = await startIdentityServer();
  serverKey = createPrivateKey(
    readFileSync(join(env.dataDir, 'identity', 'token-signing-key.pem')),
  );
  await api(env.url, 'POST', 'projects', admin, { name: 'team' });
  await api(env.url, 'POST', 'users', admin, { name: 'dev', password: 'dev-password' });
  await api(env.url, 'PUT', 'projects/team/members/dev', admin, { role: 'developer' });
  expect(await pushImage(env.url, 'team/app', 'v1', randomImage(), admin)).toBe(201);
});
afterAll(async () => {
  await env.close();
});

function claims(payload: Record<string, unknown>) {
  return { access: [{ type: 'repository', name: 'team/app', actions: ['pull'] }], ...payload };
}

async function sign(
  key: KeyObject,
  payload: Record<string, unknown>,
  options: { iss?: string; aud?: string; exp?: number; alg?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.alg ?? 'ES256', typ: 'JWT' })
    .setIssuer(options.iss ?? 'lockyard')
    .setAudience(options.aud ?? 'lockyard-registry')
    .setSubject('admin')
    .setIssuedAt(now - 60)
    .setNotBefore(now - 60)
    .setExpirationTime(options.exp ?? now + 300)
    .sign(key);
}

async function pull(
  token: string,
): Promise<{ status: number; challenge: string | null; body: unknown }> {
  const response = await fetch(`${env.url}/v2/team/app/manifests/v1`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: await response.json().catch(() => undefined),
  };
}

describe('challenge and token endpoint', () => {
  it('answers /v2/ without credentials with the Bearer challenge clients follow', async () => {
    const response = await fetch(`${env.url}/v2/`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${env.url}/token",service="lockyard-registry"`,
    );
    expect(await response.json()).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: {} }],
    });
  });

  it('uses the Host the client connected with for the realm', async () => {
    const port = new URL(env.url).port;
    const response = await fetch(`http://localhost:${port}/v2/_catalog`);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="http://localhost:${port}/token",service="lockyard-registry",scope="registry:catalog:*"`,
    );
  });

  it('issues a signed ES256 JWT with the spec claims, short-lived, not cacheable', async () => {
    const response = await fetch(
      `${env.url}/token?service=lockyard-registry&scope=repository:team/app:pull,push`,
      { headers: { authorization: basic('dev', 'dev-password') } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as {
      token: string;
      access_token: string;
      expires_in: number;
      issued_at: string;
    };
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBe(300);
    const [header, payload] = body.token
      .split('.')
      .slice(0, 2)
      .map(
        (part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>,
      );
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(typeof header?.['kid']).toBe('string');
    expect(payload).toMatchObject({
      iss: 'lockyard',
      sub: 'dev',
      aud: 'lockyard-registry',
      access: [{ type: 'repository', name: 'team/app', actions: ['pull', 'push'] }],
    });
    expect(Number(payload?.['exp']) - Number(payload?.['iat'])).toBe(300);
    expect(new Date(body.issued_at).getTime() / 1000).toBe(payload?.['iat']);
    expect((await pull(body.token)).status).toBe(200);
  });

  it('keeps the signing key in the data dir with mode 0600', () => {
    expect(statSync(join(env.dataDir, 'identity', 'token-signing-key.pem')).mode & 0o777).toBe(
      0o600,
    );
  });

  it('issues anonymous tokens that grant nothing on a private project', async () => {
    const answer = await fetchToken(env.url, undefined, ['repository:team/app:pull']);
    expect(answer.status).toBe(200);
    const result = await pull(answer.token ?? '');
    expect(result.status).toBe(401);
    expect(result.body).toEqual({
      errors: [
        {
          code: 'UNAUTHORIZED',
          message: 'authentication required to pull repository team/app',
          detail: {},
        },
      ],
    });
  });

  it('refuses bad token requests with a clear 400', async () => {
    const cases: [string, string][] = [
      [
        'service=lockyard-registry&scope=repository:team/app',
        'invalid scope "repository:team/app": expected type:name:action[,action]',
      ],
      [
        'service=other&scope=repository:team/app:pull',
        'unknown service "other": this token server issues tokens for "lockyard-registry"',
      ],
      [
        'service=lockyard-registry&account=someone-else',
        'the account parameter does not match the user name of the credentials',
      ],
    ];
    for (const [query, message] of cases) {
      const response = await fetch(`${env.url}/token?${query}`, {
        headers: { authorization: basic('dev', 'dev-password') },
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [{ code: 'INVALID_REQUEST', message, detail: {} }],
      });
    }
  });

  it('speaks the OAuth2 form: password grant with a refresh token, then the refresh grant', async () => {
    const form = (fields: Record<string, string>) =>
      fetch(`${env.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const first = await form({
      grant_type: 'password',
      username: 'dev',
      password: 'dev-password',
      service: 'lockyard-registry',
      client_id: 'test',
      access_type: 'offline',
      scope: 'repository:team/app:pull',
    });
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as {
      access_token: string;
      refresh_token: string;
      scope: string;
    };
    expect(tokens.scope).toBe('repository:team/app:pull');
    expect((await pull(tokens.access_token)).status).toBe(200);
    // A refresh token is not an access token.
    expect((await pull(tokens.refresh_token)).body).toEqual({
      errors: [{ code: 'UNAUTHORIZED', message: 'token has the wrong type (typ)', detail: {} }],
    });
    const refreshed = await form({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      service: 'lockyard-registry',
      client_id: 'test',
      scope: 'repository:team/app:pull,push',
    });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as { scope: string }).scope).toBe(
      'repository:team/app:pull,push',
    );
    const bad = await form({ grant_type: 'client_credentials' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { message: string }[] }).errors[0]?.message).toBe(
      'invalid form field "grant_type": grant_type must be "password" or "refresh_token"',
    );
    const wrong = await form({
      grant_type: 'password',
      username: 'dev',
      password: 'nope-nope',
      service: 'lockyard-registry',
    });
    expect(wrong.status).toBe(401);
  });
});

describe('bad bearer tokens', () => {
  const expectInvalid = async (token: string, message: string) => {
    const result = await pull(token);
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ errors: [{ code: 'UNAUTHORIZED', message, detail: {} }] });
    expect(result.challenge).toBe(
      `Bearer realm="${env.url}/token",service="lockyard-registry",scope="repository:team/app:pull",error="invalid_token"`,
    );
  };

  it('accepts a token signed with the server key (the control case)', async () => {
    expect((await pull(await sign(serverKey, claims({ cv: 1 })))).status).toBe(200);
  });

  it('refuses an expired token', async () => {
    await expectInvalid(
      await sign(serverKey, claims({}), { exp: Math.floor(Date.now() / 1000) - 120 }),
      'token has expired',
    );
  });

  it('refuses a token signed by another key', async () => {
    await expectInvalid(
      await sign(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, claims({})),
      'token signature does not verify',
    );
  });

  it('refuses a token for another audience or from another issuer', async () => {
    await expectInvalid(
      await sign(serverKey, claims({}), { aud: 'some-other-registry' }),
      'token was issued for another service (aud)',
    );
    await expectInvalid(
      await sign(serverKey, claims({}), { iss: 'someone-else' }),
      'token was issued by another issuer (iss)',
    );
  });

  it('refuses other algorithms, unsigned tokens and garbage', async () => {
    const hmac = await new SignJWT(claims({}))
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('lockyard')
      .setAudience('lockyard-registry')
      .setSubject('admin')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(Buffer.alloc(32, 1));
    await expectInvalid(hmac, 'token uses an algorithm other than ES256');
    const [header, payload] = hmac.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload ?? ''}.`;
    await expectInvalid(none, 'malformed bearer token: not a compact JWT');
    await expectInvalid(
      `${header ?? ''}.${payload ?? ''}.AAAA`,
      'token uses an algorithm other than ES256',
    );
    await expectInvalid('abc.def.ghi', 'malformed token');
  });

  it('refuses a token whose claims do not fit the spec', async () => {
    await expectInvalid(
      await sign(serverKey, { access: 'everything' }),
      'token claims are invalid at "access"',
    );
  });

  it('ends the tokens of a user whose password changed or who was deleted', async () => {
    await api(env.url, 'POST', 'users', admin, { name: 'temp', password: 'temp-password' });
    await api(env.url, 'PUT', 'projects/team/members/temp', admin, { role: 'guest' });
    const before =
      (await fetchToken(env.url, basic('temp', 'temp-password'), ['repository:team/app:pull']))
        .token ?? '';
    expect((await pull(before)).status).toBe(200);
    expect(
      (
        await api(env.url, 'PUT', 'users/temp/password', basic('temp', 'temp-password'), {
          password: 'new-password',
          currentPassword: 'temp-password',
        })
      ).status,
    ).toBe(200);
    await expectInvalid(before, 'the account this token was issued to is no longer valid');
    const after =
      (await fetchToken(env.url, basic('temp', 'new-password'), ['repository:team/app:pull']))
        .token ?? '';
    expect((await pull(after)).status).toBe(200);
    expect((await api(env.url, 'DELETE', 'users/temp', admin)).status).toBe(204);
    await expectInvalid(after, 'the account this token was issued to is no longer valid');
  });
});
