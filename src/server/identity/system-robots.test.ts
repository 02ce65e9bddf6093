// System robots (`robot$<name>`, Harbor's system-level robot accounts) against the real HTTP
// server: only system admins manage them, their grants span projects (or `*`), tokens and Basic
// give exactly the granted actions per repository, revocation and expiry end them at once, and
// deleting a project drops its grant.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from './events.js';
import { catalogProjects } from './permissions.js';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  fetchToken,
  pushBlob,
  pushImage,
  randomImage,
  startIdentityServer,
  type IdentityTestServer,
} from './testing/identity-server.js';

let env: IdentityTestServer;
const admin = basic('admin', ADMIN_PASSWORD);
const lead = basic('lead', 'lead-password');
const events: IdentityEvent[] = [];

interface Created {
  readonly name: string;
  readonly secret: string;
}

async function createSystemRobot(body: unknown): Promise<Created> {
  const answer = await api(env.url, 'POST', 'robots', admin, body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as Created;
}

function accessOf(token: string | undefined): unknown {
  const payload = JSON.parse(
    Buffer.from((token ?? '').split('.')[1] ?? '', 'base64url').toString(),
  ) as { access: unknown };
  return payload.access;
}

async function status(path: string, authorization: string, method = 'GET'): Promise<number> {
  const response = await fetch(`${env.url}${path}`, { method, headers: { authorization } });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(async () => {
  env = await startIdentityServer();
  env.server.identity?.service.events.on('event', (event) => events.push(event));
  for (const name of ['team', 'other', 'third'])
    expect((await api(env.url, 'POST', 'projects', admin, { name })).status).toBe(201);
  expect(
    (await api(env.url, 'POST', 'users', admin, { name: 'lead', password: 'lead-password' }))
      .status,
  ).toBe(201);
  expect(
    (await api(env.url, 'PUT', 'projects/team/members/lead', admin, { role: 'project-admin' }))
      .status,
  ).toBe(200);
  for (const repository of ['team/app', 'other/app', 'third/app'])
    expect(await pushImage(env.url, repository, 'v1', randomImage(), admin)).toBe(201);
}, 60_000);
afterAll(async () => {
  await env.close();
});

describe('system robots: the admin API', () => {
  it('a system admin creates one; the secret is in the creation answer only', async () => {
    const answer = await api(env.url, 'POST', 'robots', admin, {
      name: 'deployer',
      description: 'deploys everywhere',
      expiresInDays: 30,
      grants: [
        { project: 'team', actions: ['push', 'pull'] },
        { project: 'other', actions: ['pull'] },
      ],
    });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const body = answer.body as Record<string, unknown>;
    expect(body).toMatchObject({
      name: 'robot$deployer',
      level: 'system',
      description: 'deploys everywhere',
      grants: [
        { project: 'other', actions: ['pull'] },
        { project: 'team', actions: ['pull', 'push'] },
      ],
      createdBy: 'admin',
      revokedAt: null,
      state: 'active',
    });
    expect(body['secret']).toMatch(/^lyr_[A-Za-z0-9_-]{43}$/);
    const days = (Date.parse(String(body['expiresAt'])) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThanOrEqual(30);
    const listed = await api(env.url, 'GET', 'robots', admin);
    expect(listed.status).toBe(200);
    const text = JSON.stringify(listed.body);
    expect(text).toContain('robot$deployer');
    expect(text).not.toContain(String(body['secret']));
    expect(text).not.toContain('secretHash');
    // Audited, without the secret.
    expect(events).toContainEqual(
      expect.objectContaining({
        actor: 'admin',
        action: 'robot.create',
        target: 'robot$deployer',
        result: 'success',
      }),
    );
    expect(JSON.stringify(events)).not.toContain(String(body['secret']));
  });

  it('a project admin, a user and a robot are refused (403), anonymous callers 401', async () => {
    const body = { name: 'sneaky', grants: [{ project: 'team', actions: ['pull'] }] };
    const refused = await api(env.url, 'POST', 'robots', lead, body);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      errors: [
        {
          code: 'DENIED',
          message: 'only a system administrator may create system robot accounts',
          detail: {},
        },
      ],
    });
    expect((await api(env.url, 'GET', 'robots', lead)).status).toBe(403);
    expect((await api(env.url, 'DELETE', 'robots/deployer', lead)).status).toBe(403);
    expect((await api(env.url, 'POST', 'robots', undefined, body)).status).toBe(401);
    const robot = await createSystemRobot({
      name: 'nosy',
      grants: [{ project: '*', actions: ['pull', 'push', 'delete'] }],
    });
    const asRobot = basic(robot.name, robot.secret);
    expect((await api(env.url, 'POST', 'robots', asRobot, body)).status).toBe(403);
    expect((await api(env.url, 'GET', 'robots', asRobot)).status).toBe(403);
    expect(events).toContainEqual(
      expect.objectContaining({ actor: 'lead', action: 'robot.create', result: 'denied' }),
    );
    expect(
      ((await api(env.url, 'GET', 'robots', admin)).body as { robots: { name: string }[] }).robots
        .map((entry) => entry.name)
        .includes('robot$sneaky'),
    ).toBe(false);
  });

  it('refuses grants to a project that does not exist, and bad grants, naming the field', async () => {
    const ghost = await api(env.url, 'POST', 'robots', admin, {
      name: 'ghost',
      grants: [
        { project: 'team', actions: ['pull'] },
        { project: 'nowhere', actions: ['pull'] },
      ],
    });
    expect(ghost.status).toBe(404);
    expect((ghost.body as { errors: { message: string }[] }).errors[0]?.message).toBe(
      'grants[1]: project nowhere not found',
    );
    const cases: [unknown, number, string][] = [
      [{ name: 'x', grants: [] }, 400, 'invalid field "grants"'],
      [{ name: 'x', grants: [{ project: 'team', actions: ['admin'] }] }, 400, 'grants.0.actions.0'],
      [{ name: 'x', grants: [{ project: 'team', actions: [] }] }, 400, 'grants.0.actions'],
      [
        {
          name: 'x',
          grants: [
            { project: 'team', actions: ['pull'] },
            { project: 'team', actions: ['push'] },
          ],
        },
        400,
        'grants[1]: project team is granted twice',
      ],
      [{ name: 'x', grants: [{ project: 'Team!', actions: ['pull'] }] }, 400, 'grants[0].project'],
      [
        { name: 'a+b', grants: [{ project: 'team', actions: ['pull'] }] },
        400,
        'invalid robot name',
      ],
      [
        {
          name: 'x',
          expiresInDays: 1,
          expiresInSeconds: 60,
          grants: [{ project: 'team', actions: ['pull'] }],
        },
        400,
        'not both',
      ],
    ];
    for (const [body, code, message] of cases) {
      const answer = await api(env.url, 'POST', 'robots', admin, body);
      expect(answer.status, JSON.stringify(body)).toBe(code);
      const errors = (answer.body as { errors: { message: string }[] }).errors;
      expect(errors[0]?.message, JSON.stringify(body)).toContain(message);
    }
    const names = (
      (await api(env.url, 'GET', 'robots', admin)).body as { robots: { name: string }[] }
    ).robots.map((entry) => entry.name);
    expect(names).not.toContain('robot$ghost');
    expect(names).not.toContain('robot$x');
  });

  it('system and project robot names never collide; a name is not reused', async () => {
    // robot$team (system) and robot$team+team (project) are two accounts.
    const system = await createSystemRobot({
      name: 'team',
      grants: [{ project: 'other', actions: ['pull'] }],
    });
    expect(system.name).toBe('robot$team');
    const project = await api(env.url, 'POST', 'projects/team/robots', admin, {
      name: 'team',
      actions: ['pull'],
    });
    expect(project.status).toBe(201);
    expect((project.body as Created).name).toBe('robot$team+team');
    expect(
      (
        await api(env.url, 'POST', 'robots', admin, {
          name: 'team',
          grants: [{ project: 'team', actions: ['pull'] }],
        })
      ).status,
    ).toBe(409);
    // Revoking a project robot through the system route is refused, and the other way round.
    expect((await api(env.url, 'DELETE', 'robots/robot$team+team', admin)).status).toBe(404);
    expect((await api(env.url, 'DELETE', 'projects/team/robots/robot$team', admin)).status).toBe(
      404,
    );
    const projectAccess = await fetchToken(env.url, basic('robot$team', system.secret), [
      'repository:other/app:pull',
      'repository:team/app:pull',
    ]);
    expect(accessOf(projectAccess.token)).toEqual([
      { type: 'repository', name: 'other/app', actions: ['pull'] },
      { type: 'repository', name: 'team/app', actions: [] },
    ]);
  });
});

describe('system robots: tokens and Basic give exactly the granted actions', () => {
  let robot: Created;
  beforeAll(async () => {
    robot = await createSystemRobot({
      name: 'ci',
      grants: [
        { project: 'team', actions: ['pull', 'push'] },
        { project: 'other', actions: ['pull'] },
      ],
    });
  });

  it('/token grants the intersection of the scopes and the grants, per repository', async () => {
    const answer = await fetchToken(env.url, basic(robot.name, robot.secret), [
      'repository:team/app:pull,push,delete',
      'repository:team/new/deep:*',
      'repository:other/app:pull,push',
      'repository:third/app:pull',
      'repository:nowhere/app:pull,push',
      'registry:catalog:*',
    ]);
    expect(answer.status).toBe(200);
    expect(accessOf(answer.token)).toEqual([
      { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
      { type: 'repository', name: 'team/new/deep', actions: ['pull', 'push'] },
      { type: 'repository', name: 'other/app', actions: ['pull'] },
      { type: 'repository', name: 'third/app', actions: [] },
      { type: 'repository', name: 'nowhere/app', actions: [] },
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
  });

  it('Basic on /v2: push in team, pull only in other, nothing in third; the catalog shows team and other', async () => {
    const auth = basic(robot.name, robot.secret);
    const data = randomBytes(32);
    expect(await pushBlob(env.url, 'team/app', data, auth)).toBe(201);
    expect(await pushBlob(env.url, 'other/app', data, auth)).toBe(403);
    expect(await pushBlob(env.url, 'third/app', data, auth)).toBe(403);
    expect(await status('/v2/team/app/manifests/v1', auth)).toBe(200);
    expect(await status('/v2/other/app/manifests/v1', auth)).toBe(200);
    expect(await status('/v2/third/app/manifests/v1', auth)).toBe(403);
    expect(await status('/v2/team/app/manifests/v1', auth, 'DELETE')).toBe(403);
    const catalog = await fetch(`${env.url}/v2/_catalog`, { headers: { authorization: auth } });
    expect(catalog.status).toBe(200);
    const listed = ((await catalog.json()) as { repositories: string[] }).repositories;
    expect(listed).toEqual(expect.arrayContaining(['other/app', 'team/app']));
    expect(listed.filter((name) => !/^(?:team|other)\//.test(name))).toEqual([]);
    // A push into a project that does not exist creates nothing (only system admins may).
    expect(await pushBlob(env.url, 'ghost/app', data, auth)).toBe(403);
    expect((await api(env.url, 'GET', 'projects/ghost', admin)).status).toBe(404);
  });

  it('the catalog projects of a system robot are those it may pull from', async () => {
    const service = env.server.identity?.service;
    if (!service) throw new Error('identity is off');
    const caller = await service.caller(basic(robot.name, robot.secret), '127.0.0.1');
    const projects = await catalogProjects(service.directory, caller.principal);
    expect(projects === 'all' ? 'all' : [...projects].sort()).toEqual(['other', 'team']);
    const adminCaller = await service.caller(admin, '127.0.0.1');
    expect(await catalogProjects(service.directory, adminCaller.principal)).toBe('all');
  });

  it('`*` covers every project, including one created later, and nothing beyond its actions', async () => {
    const everywhere = await createSystemRobot({
      name: 'puller',
      grants: [{ project: '*', actions: ['pull'] }],
    });
    expect((await api(env.url, 'POST', 'projects', admin, { name: 'later' })).status).toBe(201);
    const answer = await fetchToken(env.url, basic(everywhere.name, everywhere.secret), [
      'repository:later/app:pull,push',
      'repository:third/app:pull,delete',
    ]);
    expect(accessOf(answer.token)).toEqual([
      { type: 'repository', name: 'later/app', actions: ['pull'] },
      { type: 'repository', name: 'third/app', actions: ['pull'] },
    ]);
  });
});

describe('system robots: revocation, expiry and project deletion', () => {
  it('revocation ends tokens and Basic at once', async () => {
    const robot = await createSystemRobot({
      name: 'shortlived',
      grants: [{ project: 'team', actions: ['pull'] }],
    });
    const auth = basic(robot.name, robot.secret);
    const { token } = await fetchToken(env.url, auth, ['repository:team/app:pull']);
    expect(await status('/v2/team/app/manifests/v1', `Bearer ${token ?? ''}`)).toBe(200);
    const revoked = await api(env.url, 'DELETE', 'robots/shortlived', admin);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ name: 'robot$shortlived', state: 'revoked' });
    expect(await status('/v2/team/app/manifests/v1', `Bearer ${token ?? ''}`)).toBe(401);
    expect(await status('/v2/team/app/manifests/v1', auth)).toBe(401);
    const again = await fetchToken(env.url, auth, ['repository:team/app:pull']);
    expect(again.status).toBe(401);
    expect(JSON.stringify(again.body)).toContain('robot account robot$shortlived has been revoked');
    // Revoked names stay taken.
    expect(
      (
        await api(env.url, 'POST', 'robots', admin, {
          name: 'shortlived',
          grants: [{ project: 'team', actions: ['pull'] }],
        })
      ).status,
    ).toBe(409);
    expect(events).toContainEqual(
      expect.objectContaining({ action: 'robot.revoke', target: 'robot$shortlived' }),
    );
  });

  it('an expired system robot is refused at once, token and Basic', async () => {
    const robot = await createSystemRobot({
      name: 'blink',
      expiresInSeconds: 1,
      grants: [{ project: 'team', actions: ['pull'] }],
    });
    const auth = basic(robot.name, robot.secret);
    const { token } = await fetchToken(env.url, auth, ['repository:team/app:pull']);
    expect(await status('/v2/team/app/manifests/v1', `Bearer ${token ?? ''}`)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await status('/v2/team/app/manifests/v1', `Bearer ${token ?? ''}`)).toBe(401);
    const again = await fetchToken(env.url, auth, ['repository:team/app:pull']);
    expect(again.status).toBe(401);
    expect(JSON.stringify(again.body)).toContain('robot account robot$blink expired at');
    const listed = (await api(env.url, 'GET', 'robots', admin)).body as {
      robots: { name: string; state: string }[];
    };
    expect(listed.robots.find((entry) => entry.name === 'robot$blink')?.state).toBe('expired');
  });

  it('deleting a project drops its grant; a new project of that name inherits nothing', async () => {
    expect((await api(env.url, 'POST', 'projects', admin, { name: 'temp' })).status).toBe(201);
    const robot = await createSystemRobot({
      name: 'tempbot',
      grants: [
        { project: 'temp', actions: ['pull', 'push'] },
        { project: 'team', actions: ['pull'] },
      ],
    });
    const auth = basic(robot.name, robot.secret);
    const before = await fetchToken(env.url, auth, ['repository:temp/app:push']);
    expect(accessOf(before.token)).toEqual([
      { type: 'repository', name: 'temp/app', actions: ['push'] },
    ]);
    expect((await api(env.url, 'DELETE', 'projects/temp', admin)).status).toBe(204);
    const listed = (await api(env.url, 'GET', 'robots', admin)).body as {
      robots: { name: string; grants: unknown }[];
    };
    expect(listed.robots.find((entry) => entry.name === 'robot$tempbot')?.grants).toEqual([
      { project: 'team', actions: ['pull'] },
    ]);
    expect((await api(env.url, 'POST', 'projects', admin, { name: 'temp' })).status).toBe(201);
    const after = await fetchToken(env.url, auth, [
      'repository:temp/app:pull,push',
      'repository:team/app:pull',
    ]);
    expect(accessOf(after.token)).toEqual([
      { type: 'repository', name: 'temp/app', actions: [] },
      { type: 'repository', name: 'team/app', actions: ['pull'] },
    ]);
  });
});
