// The role matrix as a table test: every kind of caller × every action, each performed for
// real against the HTTP server, once with tokens from /token (as podman and skopeo do) and once
// with Basic credentials on every request, compared with the matrix in README.md. Each action's
// effect is looked up afterwards, so a refusal that still changed something fails too.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  fetchToken,
  pushBlob,
  sha256,
  type IdentityTestServer,
} from './testing/identity-server.js';
import {
  ACTIONS,
  DELETE,
  matrixActions,
  MOUNTS,
  PULL,
  PUSH,
  type Action,
} from '../testing/role-matrix-actions.js';
import { catalogMismatches, PUBLIC_PROJECT } from '../testing/role-matrix-catalog.js';
import {
  MODES,
  startMatrixServer,
  WHO,
  type MatrixServer,
  type Who,
} from '../testing/role-matrix-principals.js';

const TAG_RULES: readonly Action[] = ['tag-rule-create', 'tag-rule-delete'];
const PROJECT_ADMIN: readonly Action[] = [
  'project-settings',
  'member-add',
  'member-set',
  'robot-create',
];

/**
 * README.md's matrix on the private project "team". "mount-from-private" needs pull in the
 * private project "other", which only "other-member" (a developer there, nothing in "team") and
 * system admins hold; the first lacks push on the target.
 */
const EXPECTED: Readonly<Record<Who, readonly Action[]>> = {
  anonymous: [],
  outsider: [],
  'other-member': [],
  guest: PULL,
  developer: [...PULL, ...PUSH],
  maintainer: [...PULL, ...PUSH, ...DELETE, ...TAG_RULES],
  'project-admin': [...PULL, ...PUSH, ...DELETE, ...TAG_RULES, ...PROJECT_ADMIN],
  'system-admin': ACTIONS,
  'robot-pull': PULL,
  'robot-push': [...PULL, ...PUSH],
  'robot-all': [...PULL, ...PUSH, ...DELETE],
};

/**
 * The projects each caller may pull from, from the matrix above: "team" with the pull action,
 * "other" for its developer, "pub" (anonymous pull) for everyone signed in. Its catalog must
 * list exactly their repositories; anonymous callers get none (undefined: refused).
 */
function pulls(who: Who): 'all' | readonly string[] | undefined {
  if (who === 'anonymous') return undefined;
  if (who === 'system-admin') return 'all';
  return [
    PUBLIC_PROJECT,
    ...(EXPECTED[who].includes('pull') ? ['team'] : []),
    ...(who === 'other-member' ? ['other'] : []),
  ];
}

let server: MatrixServer;
let env: IdentityTestServer;
let credentials: MatrixServer['credentials'];
let actions: ReturnType<typeof matrixActions>;

async function token(who: Who, scope: string): Promise<string> {
  const answer = await fetchToken(env.url, credentials.get(who), [scope]);
  expect(answer.status, `token for ${who}`).toBe(200);
  return answer.token ?? '';
}

/** One registry request with a token for `scope`, as clients do it; returns the status. */
async function withToken(who: Who, scope: string, method: string, path: string, body?: Buffer) {
  const response = await fetch(`${env.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${await token(who, scope)}` },
    ...(body ? { body } : {}),
  });
  await response.arrayBuffer();
  return response.status;
}

const pullV1 = (who: Who) =>
  withToken(who, 'repository:team/app:pull', 'GET', '/v2/team/app/manifests/v1');
const pushSome = (who: Who) => {
  const data = randomBytes(64);
  return withToken(
    who,
    'repository:team/app:pull,push',
    'POST',
    `/v2/team/app/blobs/uploads/?digest=${sha256(data)}`,
    data,
  );
};

beforeAll(async () => {
  server = await startMatrixServer();
  env = server.env;
  credentials = server.credentials;
  actions = matrixActions(server);
  for (const mode of MODES) for (const who of WHO) await actions.prepare(`${mode}-${who}`);
}, 120_000);
afterAll(async () => {
  await server.env.close();
});

describe.each(MODES)('role matrix on a private project, %s', (mode) => {
  it('every caller can do exactly what the matrix allows, and a refusal changes nothing', async () => {
    const actual: Record<string, Action[]> = {};
    const failures: string[] = [];
    for (const who of WHO) {
      actual[who] = [];
      for (const action of ACTIONS) {
        const outcome = await actions.perform(mode, who, action);
        const { status, effect } = outcome;
        // A mount is done only with 201; 202 is the spec's fall-back to an upload session. The
        // catalog is done when it lists every project's repositories; what a caller sees of it
        // is checked on its own.
        const done = MOUNTS.includes(action)
          ? status === 201
          : action === 'catalog'
            ? status === 200 && effect
            : status >= 200 && status < 300;
        if (done) actual[who].push(action);
        if (effect !== done) failures.push(`${who} ${action}: ${status} but effect ${effect}`);
        if (action === 'catalog') failures.push(...catalogMismatches(who, outcome, pulls(who)));
        if (done || action === 'catalog') continue;
        // A refusal is an authentication or authorization answer, never a server error or a 400;
        // a signed-in caller with Basic gets 403 (there is no token to upgrade).
        const refusals = MOUNTS.includes(action) ? [202, 401, 403, 404] : [401, 403, 404];
        if (!refusals.includes(status)) failures.push(`${who} ${action}: answered ${status}`);
      }
    }
    const sorted = (list: readonly Action[]) => [...list].sort();
    expect(Object.fromEntries(WHO.map((who) => [who, sorted(actual[who] ?? [])]))).toEqual(
      Object.fromEntries(WHO.map((who) => [who, sorted(EXPECTED[who])])),
    );
    expect(failures).toEqual([]);
  });
});

describe('role matrix: the answers themselves', () => {
  it('a cross-repository mount with Basic credentials is done (201), as with a token', async () => {
    const data = randomBytes(40);
    expect(await pushBlob(env.url, 'team/base', data, credentials.get('system-admin'))).toBe(201);
    const response = await fetch(
      `${env.url}/v2/team/app/blobs/uploads/?mount=${sha256(data)}&from=team/base`,
      { method: 'POST', headers: { authorization: credentials.get('developer') ?? '' } },
    );
    await response.arrayBuffer();
    expect(response.status).toBe(201);
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
    // The catalog is not refused: it lists what the account may pull ("team" and "pub").
    const catalog = async (who: Who) => {
      const response = await fetch(`${env.url}/v2/_catalog`, {
        headers: { authorization: credentials.get(who) ?? '' },
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { repositories: string[] }).repositories;
    };
    const everything = await catalog('system-admin');
    expect(everything).toEqual(expect.arrayContaining(['other/base', 'team/app']));
    expect(await catalog('project-admin')).toEqual(
      everything.filter((name) => name.startsWith('team/') || name.startsWith('pub/')),
    );
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
      { type: 'registry', name: 'catalog', actions: ['*'] },
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
    expect(await pullV1('anonymous')).toBe(200);
    expect(await pushSome('anonymous')).toBe(401);
    expect(await pullV1('outsider')).toBe(200);
    expect(await pushSome('outsider')).toBe(401);
    expect(
      (await api(env.url, 'PATCH', 'projects/team', admin, { anonymousPull: false })).status,
    ).toBe(200);
    expect((await fetch(`${env.url}/v2/team/app/manifests/v1`)).status).toBe(401);
  });
});
