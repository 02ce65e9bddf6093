// A cross-repository mount under token auth, as a client that follows challenges does it: the
// 401 names pull on the source beside pull,push on the target (as Distribution's does), the
// token /token issues for exactly those scopes mounts (201), and whatever is missing on the
// source only turns the mount into the spec's fallback, an upload session (202), never a refusal.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  fetchToken,
  pushBlob,
  sha256,
  startIdentityServer,
  type IdentityTestServer,
} from './testing/identity-server.js';

let env: IdentityTestServer;
const admin = basic('admin', ADMIN_PASSWORD);
// "dev" pushes to team and may pull from base; "pusher" pushes to team and holds nothing in base.
const dev = basic('dev', 'dev-password');
const pusher = basic('pusher', 'pusher-password');
const layer = randomBytes(300);
const digest = sha256(layer);

beforeAll(async () => {
  env = await startIdentityServer();
  for (const name of ['team', 'base']) await api(env.url, 'POST', 'projects', admin, { name });
  for (const name of ['dev', 'pusher'])
    await api(env.url, 'POST', 'users', admin, { name, password: `${name}-password` });
  await api(env.url, 'PUT', 'projects/team/members/dev', admin, { role: 'developer' });
  await api(env.url, 'PUT', 'projects/base/members/dev', admin, { role: 'guest' });
  await api(env.url, 'PUT', 'projects/team/members/pusher', admin, { role: 'developer' });
  expect(await pushBlob(env.url, 'base/img', layer, admin)).toBe(201);
});
afterAll(async () => {
  await env.close();
});

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

async function mount(target: string, from: string, authorization?: string): Promise<Answer> {
  const query = new URLSearchParams({ mount: digest, from });
  const response = await fetch(`${env.url}/v2/${target}/blobs/uploads/?${query.toString()}`, {
    method: 'POST',
    headers: authorization ? { authorization } : {},
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

/** The scopes a client takes from a Bearer challenge: the `scope` parameter split on spaces. */
function challengedScopes(challenge: string | null): string[] {
  const scope = /[,\s]scope="(?<scope>[^"]*)"/.exec(challenge ?? '')?.groups?.['scope'];
  return scope === undefined ? [] : scope.split(' ');
}

async function token(authorization: string, scopes: readonly string[]): Promise<string> {
  const answer = await fetchToken(env.url, authorization, scopes);
  expect(answer.status).toBe(200);
  return `Bearer ${answer.token ?? ''}`;
}

/** Whether `repository` holds the layer, asked as the admin (so only the link decides). */
async function holds(repository: string): Promise<boolean> {
  const response = await fetch(`${env.url}/v2/${repository}/blobs/${digest}`, {
    method: 'HEAD',
    headers: { authorization: admin },
  });
  return response.status === 200;
}

describe('cross-repository mount under token auth', () => {
  it('challenges an anonymous mount for pull,push on the target and pull on the source', async () => {
    const answer = await mount('team/one', 'base/img');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe(
      `Bearer realm="${env.url}/token",service="lockyard-registry",scope="repository:team/one:pull,push repository:base/img:pull"`,
    );
    expect(await holds('team/one')).toBe(false);
  });

  it('mounts (201) with the token issued for exactly the challenged scopes', async () => {
    const scopes = challengedScopes(
      (await mount('team/two', 'base/img')).headers.get('www-authenticate'),
    );
    expect(scopes).toEqual(['repository:team/two:pull,push', 'repository:base/img:pull']);
    const answer = await mount('team/two', 'base/img', await token(dev, scopes));
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toBe(`/v2/team/two/blobs/${digest}`);
    expect(answer.headers.get('docker-content-digest')).toBe(digest);
    expect(await holds('team/two')).toBe(true);
  });

  it('falls back to an upload session (202) with a token for the target alone', async () => {
    const answer = await mount(
      'team/three',
      'base/img',
      await token(dev, ['repository:team/three:pull,push']),
    );
    expect(answer.status).toBe(202);
    expect(answer.headers.get('location')).toMatch(/^\/v2\/team\/three\/blobs\/uploads\/[^/]+$/);
    expect(answer.headers.get('www-authenticate')).toBeNull();
    expect(await holds('team/three')).toBe(false);
  });

  it('does not grant pull on the source to a user without it, so the mount falls back (202)', async () => {
    const scopes = ['repository:team/four:pull,push', 'repository:base/img:pull'];
    const issued = await fetchToken(env.url, pusher, scopes);
    const claims = JSON.parse(
      Buffer.from((issued.token ?? '').split('.')[1] ?? '', 'base64url').toString(),
    ) as { access: unknown };
    expect(claims.access).toEqual([
      { type: 'repository', name: 'team/four', actions: ['pull', 'push'] },
      { type: 'repository', name: 'base/img', actions: [] },
    ]);
    const answer = await mount('team/four', 'base/img', `Bearer ${issued.token ?? ''}`);
    expect(answer.status).toBe(202);
    expect(await holds('team/four')).toBe(false);
  });

  it('names the source too when a token lacks the target scope (insufficient_scope)', async () => {
    const answer = await mount(
      'team/five',
      'base/img',
      await token(dev, ['repository:base/img:pull']),
    );
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe(
      `Bearer realm="${env.url}/token",service="lockyard-registry",scope="repository:team/five:pull,push repository:base/img:pull",error="insufficient_scope"`,
    );
    expect(await holds('team/five')).toBe(false);
  });

  it('names one scope for a mount within the target repository', async () => {
    const answer = await mount('team/six', 'team/six');
    expect(answer.headers.get('www-authenticate')).toBe(
      `Bearer realm="${env.url}/token",service="lockyard-registry",scope="repository:team/six:pull,push"`,
    );
  });

  it('refuses a bad source name with 400 NAME_INVALID before any challenge', async () => {
    for (const from of ['Base/IMG', 'base/img",scope="registry:catalog:*', 'base//img']) {
      const answer = await mount('team/seven', from);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('www-authenticate')).toBeNull();
      expect((answer.body as { errors: { code: string }[] }).errors[0]?.code).toBe('NAME_INVALID');
    }
  });
});
