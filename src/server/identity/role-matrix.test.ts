// The role matrix as a table test: every kind of principal × every action, each performed for
// real against the HTTP server (token flow for registry actions, as podman and skopeo do it;
// Basic credentials for the admin API), compared with the matrix in README.md.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  fetchToken,
  pushBlob,
  pushImage,
  randomImage,
  sha256,
  startIdentityServer,
  type IdentityTestServer,
} from './testing/identity-server.js';

type Action =
  | 'pull'
  | 'push'
  | 'delete'
  | 'catalog'
  | 'member-admin'
  | 'robot-admin'
  | 'tag-rule-admin'
  | 'user-admin';
const ACTIONS: readonly Action[] = [
  'pull',
  'push',
  'delete',
  'catalog',
  'member-admin',
  'robot-admin',
  'tag-rule-admin',
  'user-admin',
];

type Who =
  | 'anonymous'
  | 'outsider'
  | 'guest'
  | 'developer'
  | 'maintainer'
  | 'project-admin'
  | 'system-admin'
  | 'robot-pull'
  | 'robot-all';

/** The matrix README.md documents, on the private project "team". */
const EXPECTED: Readonly<Record<Who, readonly Action[]>> = {
  anonymous: [],
  outsider: [],
  guest: ['pull'],
  developer: ['pull', 'push'],
  maintainer: ['pull', 'push', 'delete', 'tag-rule-admin'],
  'project-admin': ['pull', 'push', 'delete', 'member-admin', 'robot-admin', 'tag-rule-admin'],
  'system-admin': ACTIONS,
  'robot-pull': ['pull'],
  'robot-all': ['pull', 'push', 'delete'],
};
const WHO = Object.keys(EXPECTED) as Who[];

let env: IdentityTestServer;
const credentials = new Map<Who, string | undefined>();
const imageV1 = randomImage();
const deletable = new Map<Who, Buffer>();

async function token(who: Who, scope: string): Promise<string> {
  const answer = await fetchToken(env.url, credentials.get(who), [scope]);
  expect(answer.status, `token for ${who}`).toBe(200);
  return answer.token ?? '';
}

async function registry(
  who: Who,
  scope: string,
  method: string,
  path: string,
  body?: Buffer,
): Promise<number> {
  const response = await fetch(`${env.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await token(who, scope)}`,
      ...(body ? { 'content-type': 'application/octet-stream' } : {}),
    },
    ...(body ? { body } : {}),
  });
  await response.arrayBuffer();
  return response.status;
}

const PERFORM: Readonly<Record<Action, (who: Who) => Promise<number>>> = {
  pull: (who) => registry(who, 'repository:team/app:pull', 'GET', '/v2/team/app/manifests/v1'),
  push: (who) => {
    const data = randomBytes(64);
    return registry(
      who,
      'repository:team/app:pull,push',
      'POST',
      `/v2/team/app/blobs/uploads/?digest=${sha256(data)}`,
      data,
    );
  },
  delete: (who) =>
    registry(
      who,
      'repository:team/app:delete',
      'DELETE',
      `/v2/team/app/blobs/${sha256(deletable.get(who) ?? Buffer.alloc(0))}`,
    ),
  catalog: (who) => registry(who, 'registry:catalog:*', 'GET', '/v2/_catalog'),
  'member-admin': async (who) =>
    (
      await api(env.url, 'PUT', 'projects/team/members/spare', credentials.get(who), {
        role: 'guest',
      })
    ).status,
  'robot-admin': async (who) =>
    (
      await api(env.url, 'POST', 'projects/team/robots', credentials.get(who), {
        name: `made-by-${who}`,
        actions: ['pull'],
      })
    ).status,
  'tag-rule-admin': async (who) =>
    (
      await api(env.url, 'POST', 'projects/team/immutable-tags', credentials.get(who), {
        pattern: `${who}-*`,
      })
    ).status,
  'user-admin': async (who) =>
    (
      await api(env.url, 'POST', 'users', credentials.get(who), {
        name: `made-by-${who}`,
        password: 'another-password',
      })
    ).status,
};

beforeAll(async () => {
  env = await startIdentityServer();
  const admin = basic('admin', ADMIN_PASSWORD);
  const ok = async (call: Promise<{ status: number }>) => {
    const result = await call;
    expect(result.status).toBeLessThan(300);
  };
  await ok(api(env.url, 'POST', 'projects', admin, { name: 'team' }));
  const roles = {
    guest: 'guest',
    developer: 'developer',
    maintainer: 'maintainer',
    'project-admin': 'project-admin',
  } as const;
  for (const name of ['outsider', 'spare', ...Object.keys(roles)])
    await ok(api(env.url, 'POST', 'users', admin, { name, password: `${name}-password` }));
  for (const [name, role] of Object.entries(roles))
    await ok(api(env.url, 'PUT', `projects/team/members/${name}`, admin, { role }));
  const robots = { 'robot-pull': ['pull'], 'robot-all': ['pull', 'push', 'delete'] } as const;
  for (const [who, actions] of Object.entries(robots)) {
    const created = await api(env.url, 'POST', 'projects/team/robots', admin, {
      name: who,
      actions,
    });
    const body = created.body as { name: string; secret: string };
    credentials.set(who as Who, basic(body.name, body.secret));
  }
  credentials.set('anonymous', undefined);
  credentials.set('system-admin', admin);
  for (const name of ['outsider', ...Object.keys(roles)])
    credentials.set(name as Who, basic(name, `${name}-password`));
  expect(await pushImage(env.url, 'team/app', 'v1', imageV1, admin)).toBe(201);
  for (const who of WHO) {
    const data = randomBytes(32);
    deletable.set(who, data);
    expect(await pushBlob(env.url, 'team/app', data, admin)).toBe(201);
  }
});
afterAll(async () => {
  await env.close();
});

describe('role matrix on a private project', () => {
  it('every principal can do exactly what the matrix allows', async () => {
    const actual: Record<string, string[]> = {};
    const statuses: Record<string, Record<string, number>> = {};
    for (const who of WHO) {
      actual[who] = [];
      statuses[who] = {};
      for (const action of ACTIONS) {
        const status = await PERFORM[action](who);
        statuses[who][action] = status;
        if (status >= 200 && status < 300) actual[who].push(action);
        // A refusal is an authentication or authorization answer, never a server error or a 400.
        else expect([401, 403, 404], `${who} ${action} answered ${status}`).toContain(status);
      }
    }
    expect(actual).toEqual(Object.fromEntries(WHO.map((who) => [who, [...EXPECTED[who]]])));
  });

  it('Basic credentials on /v2/ give the same registry answers: 403 DENIED for a signed-in account without the role', async () => {
    const pull = (who: Who) =>
      fetch(`${env.url}/v2/team/app/manifests/v1`, {
        headers: { authorization: credentials.get(who) ?? '' },
      });
    for (const who of [
      'guest',
      'developer',
      'maintainer',
      'project-admin',
      'system-admin',
      'robot-pull',
      'robot-all',
    ] as const)
      expect((await pull(who)).status).toBe(200);
    const refused = await pull('outsider');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      errors: [
        { code: 'DENIED', message: 'outsider may not pull repository team/app', detail: {} },
      ],
    });
    const data = randomBytes(16);
    expect(await pushBlob(env.url, 'team/app', data, credentials.get('guest'))).toBe(403);
    expect(await pushBlob(env.url, 'team/app', data, credentials.get('developer'))).toBe(201);
    const catalog = await fetch(`${env.url}/v2/_catalog`, {
      headers: { authorization: credentials.get('project-admin') ?? '' },
    });
    expect(catalog.status).toBe(403);
  });

  it('a token without the action is answered 401 with an insufficient_scope challenge naming the scope', async () => {
    const pullToken = await token('developer', 'repository:team/app:pull');
    const data = randomBytes(16);
    const response = await fetch(`${env.url}/v2/team/app/blobs/uploads/?digest=${sha256(data)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pullToken}` },
      body: data,
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="${env.url}/token",service="lockyard-registry",scope="repository:team/app:pull,push",error="insufficient_scope"`,
    );
    expect(((await response.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe(
      'UNAUTHORIZED',
    );
  });

  it('the token grants the intersection of what was asked and what the role allows', async () => {
    const answer = await fetchToken(env.url, credentials.get('guest'), [
      'repository:team/app:pull,push,delete',
      'repository:other/x:pull',
      'registry:catalog:*',
    ]);
    const payload = JSON.parse(
      Buffer.from((answer.token ?? '').split('.')[1] ?? '', 'base64url').toString(),
    ) as { access: unknown };
    expect(payload.access).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull'] },
      { type: 'repository', name: 'other/x', actions: [] },
      { type: 'registry', name: 'catalog', actions: [] },
    ]);
  });
});

describe('permissionsIn (for other services)', () => {
  it('answers the role matrix for a signed-in caller', async () => {
    const service = env.server.identity?.service;
    if (!service) throw new Error('identity is off');
    const of = async (who: Who) =>
      [
        ...(await service.permissionsIn(
          await service.caller(credentials.get(who), '127.0.0.1'),
          'team',
        )),
      ].sort();
    expect(await of('maintainer')).toEqual(['delete', 'pull', 'push', 'tag-rule-admin', 'view']);
    expect(await of('robot-pull')).toEqual(['pull']);
    expect(await of('outsider')).toEqual([]);
    expect((await of('system-admin')).length).toBe(8);
  });
});

describe('anonymous pull', () => {
  it('is off by default, and once on allows pull only, with or without a token', async () => {
    const admin = credentials.get('system-admin');
    expect((await fetch(`${env.url}/v2/team/app/manifests/v1`)).status).toBe(401);
    expect(
      (
        await api(env.url, 'PATCH', 'projects/team', credentials.get('project-admin'), {
          anonymousPull: true,
        })
      ).status,
    ).toBe(200);
    expect((await fetch(`${env.url}/v2/team/app/manifests/v1`)).status).toBe(200);
    expect(await PERFORM.pull('anonymous')).toBe(200);
    expect(await PERFORM.push('anonymous')).toBe(401);
    expect(await PERFORM.pull('outsider')).toBe(200);
    expect(await PERFORM.push('outsider')).toBe(401);
    expect(
      (await api(env.url, 'PATCH', 'projects/team', admin, { anonymousPull: false })).status,
    ).toBe(200);
    expect((await fetch(`${env.url}/v2/team/app/manifests/v1`)).status).toBe(401);
  });
});
