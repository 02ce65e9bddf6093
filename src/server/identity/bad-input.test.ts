// Bad input against the real server: malformed credentials, wrong passwords (no hint whether the
// account exists), revoked and expired robots, unknown projects, bad JSON bodies (nothing
// stored), the failed-login limit, and no secret in any log line, event or error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityEvent } from './events.js';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  fetchToken,
  pushImage,
  randomImage,
  sha256,
  startIdentityServer,
  type IdentityTestServer,
} from './testing/identity-server.js';

let env: IdentityTestServer;
const admin = basic('admin', ADMIN_PASSWORD);
const events: IdentityEvent[] = [];
const secrets: string[] = [ADMIN_PASSWORD, 'dev-password'];

function errorOf(body: unknown): { code: string; message: string } {
  return (
    (body as { errors: { code: string; message: string }[] }).errors[0] ?? { code: '', message: '' }
  );
}

beforeAll(async () => {
  env = await startIdentityServer();
  env.server.identity?.events.on('event', (event) => events.push(event));
  await api(env.url, 'POST', 'projects', admin, { name: 'team' });
  await api(env.url, 'POST', 'users', admin, { name: 'dev', password: 'dev-password' });
  await api(env.url, 'PUT', 'projects/team/members/dev', admin, { role: 'developer' });
});
afterAll(async () => {
  await env.close();
});

describe('credentials', () => {
  it('refuses malformed Authorization headers with a one-line reason and a challenge', async () => {
    const cases: [string, string][] = [
      [
        'Basic !!!not-base64',
        'malformed Basic credentials (not base64) in the Authorization header',
      ],
      [
        `Basic ${Buffer.from('no-colon-here').toString('base64')}`,
        'malformed Basic credentials (no "user:password") in the Authorization header',
      ],
      [
        `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`,
        'malformed Basic credentials (not UTF-8) in the Authorization header',
      ],
      ['Basic', 'malformed credentials (expected "<scheme> <value>") in the Authorization header'],
      ['Digest username="admin"', 'unsupported authorization scheme "Digest": use Basic or Bearer'],
      [
        `Bearer ${'x'.repeat(9000)}`,
        'malformed credentials (over 8192 bytes) in the Authorization header',
      ],
    ];
    for (const [header, message] of cases) {
      const response = await fetch(`${env.url}/v2/team/app/tags/list`, {
        headers: { authorization: header },
      });
      expect(response.status, header.slice(0, 30)).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
      expect(await response.json()).toEqual({
        errors: [{ code: 'UNAUTHORIZED', message, detail: {} }],
      });
    }
  });

  it('answers a wrong password and an unknown user the same way, everywhere', async () => {
    const answers = [];
    for (const user of ['dev', 'nobody']) {
      const token = await fetch(`${env.url}/token?service=lockyard-registry`, {
        headers: { authorization: basic(user, 'wrong-password') },
      });
      const registry = await fetch(`${env.url}/v2/`, {
        headers: { authorization: basic(user, 'wrong-password') },
      });
      const admin = await api(env.url, 'GET', 'me', basic(user, 'wrong-password'));
      answers.push([
        token.status,
        await token.text(),
        registry.status,
        await registry.text(),
        admin.status,
        JSON.stringify(admin.body),
      ]);
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.[1]).toBe(
      '{"errors":[{"code":"UNAUTHORIZED","message":"invalid username or password","detail":{}}]}',
    );
  });
});

describe('robots', () => {
  it('refuses a revoked robot with a clear message, and a wrong secret generically', async () => {
    const created = await api(env.url, 'POST', 'projects/team/robots', admin, {
      name: 'gone',
      actions: ['pull'],
    });
    const robot = created.body as { name: string; secret: string };
    secrets.push(robot.secret);
    expect(robot.name).toBe('robot$team+gone');
    expect(
      (await fetchToken(env.url, basic(robot.name, robot.secret), ['repository:team/app:pull']))
        .status,
    ).toBe(200);
    const revoked = await api(
      env.url,
      'DELETE',
      `projects/team/robots/${encodeURIComponent('robot$team+gone')}`,
      admin,
    );
    expect(revoked.body).toMatchObject({ name: 'robot$team+gone', state: 'revoked' });
    const refused = await fetchToken(env.url, basic(robot.name, robot.secret), [
      'repository:team/app:pull',
    ]);
    expect(refused.status).toBe(401);
    expect(errorOf(refused.body).message).toBe('robot account robot$team+gone has been revoked');
    expect(
      errorOf((await fetchToken(env.url, basic(robot.name, 'lyr_wrong'), [])).body).message,
    ).toBe('invalid username or password');
    // The name of a revoked robot is not handed out again.
    const again = await api(env.url, 'POST', 'projects/team/robots', admin, {
      name: 'gone',
      actions: ['pull'],
    });
    expect(again.status).toBe(409);
  });

  it('refuses an expired robot, naming when it expired', async () => {
    const created = await api(env.url, 'POST', 'projects/team/robots', admin, {
      name: 'brief',
      actions: ['pull'],
      expiresInSeconds: 1,
    });
    const robot = created.body as { name: string; secret: string; expiresAt: string };
    secrets.push(robot.secret);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refused = await fetchToken(env.url, basic(robot.name, robot.secret), []);
    expect(refused.status).toBe(401);
    expect(errorOf(refused.body).message).toBe(
      `robot account robot$team+brief expired at ${robot.expiresAt}`,
    );
    const listed = await api(env.url, 'GET', 'projects/team/robots', admin);
    expect(
      (listed.body as { robots: { name: string; state: string }[] }).robots.map((entry) => [
        entry.name,
        entry.state,
      ]),
    ).toEqual([
      ['robot$team+brief', 'expired'],
      ['robot$team+gone', 'revoked'],
    ]);
    expect(JSON.stringify(listed.body)).not.toMatch(/secret|lyr_/);
  });
});

describe('projects', () => {
  it('refuses a push into a project that does not exist, except for system admins, who create it', async () => {
    const refused = await fetch(`${env.url}/v2/ghost/app/blobs/uploads/`, {
      method: 'POST',
      headers: { authorization: basic('dev', 'dev-password') },
    });
    expect(refused.status).toBe(403);
    // The same answer as for an existing project the account is not a member of.
    expect(errorOf(await refused.json()).message).toBe(
      'dev may not pull and push repository ghost/app',
    );
    expect((await api(env.url, 'GET', 'projects/ghost', admin)).status).toBe(404);
    expect(await pushImage(env.url, 'fresh/app', 'v1', randomImage(), admin)).toBe(201);
    expect((await api(env.url, 'GET', 'projects/fresh', admin)).body).toMatchObject({
      name: 'fresh',
      anonymousPull: false,
      createdBy: 'admin',
    });
  });

  it('hides private projects from non-members and refuses deleting a project with repositories', async () => {
    const hidden = await api(env.url, 'GET', 'projects/fresh', basic('dev', 'dev-password'));
    expect(hidden.status).toBe(404);
    expect(errorOf(hidden.body).message).toBe('project fresh not found');
    expect(
      (await api(env.url, 'GET', 'projects', basic('dev', 'dev-password'))).body,
    ).toMatchObject({ projects: [{ name: 'team', role: 'developer' }] });
    const busy = await api(env.url, 'DELETE', 'projects/fresh', admin);
    expect(busy.status).toBe(409);
    expect(errorOf(busy.body).message).toBe(
      'project fresh still has repositories: delete their images first',
    );
    const digest =
      (
        await fetch(`${env.url}/v2/fresh/app/manifests/v1`, {
          method: 'HEAD',
          headers: { authorization: admin },
        })
      ).headers.get('docker-content-digest') ?? '';
    expect(
      (
        await fetch(`${env.url}/v2/fresh/app/manifests/${digest}`, {
          method: 'DELETE',
          headers: { authorization: admin },
        })
      ).status,
    ).toBe(202);
  });
});

describe('bad JSON bodies', () => {
  it('are refused naming the field, and nothing is stored', async () => {
    const before = await api(env.url, 'GET', 'users', admin);
    const cases: [string, string, unknown, string][] = [
      [
        'POST',
        'users',
        { name: 'eve', password: 12345678 },
        'invalid field "password": Invalid input: expected string, received number',
      ],
      [
        'POST',
        'users',
        { name: 'eve', password: 'long-enough', role: 'root' },
        'invalid field "role": Unrecognized key: "role"',
      ],
      ['POST', 'users', '{"name": "eve", ', 'the body is not valid JSON'],
      [
        'POST',
        'users',
        { name: 'Eve Smith', password: 'long-enough' },
        'invalid user name "Eve Smith": 1-64 lower-case letters, digits, ".", "_", "-" or "@", starting and ending with a letter or digit',
      ],
      [
        'POST',
        'users',
        { name: 'eve', password: 'short' },
        'password must be 8 to 256 characters long',
      ],
      [
        'POST',
        'users',
        { name: 'robot$x+y', password: 'long-enough' },
        'invalid user name "robot$x+y": 1-64 lower-case letters, digits, ".", "_", "-" or "@", starting and ending with a letter or digit',
      ],
      [
        'POST',
        'projects',
        { name: '../etc' },
        'invalid project name "../etc": one repository path component ([a-z0-9] separated by ".", "_", "__" or "-"), at most 128 characters',
      ],
      [
        'PUT',
        'projects/team/members/dev',
        { role: 'owner' },
        'invalid field "role": Invalid option: expected one of "guest"|"developer"|"maintainer"|"project-admin"',
      ],
      [
        'POST',
        'projects/team/robots',
        { name: 'ci', actions: [] },
        'invalid field "actions": Too small: expected array to have >=1 items',
      ],
      [
        'POST',
        'projects/team/robots',
        { name: 'ci', actions: ['pull'], expiresInSeconds: -5 },
        'invalid field "expiresInSeconds": Too small: expected number to be >0',
      ],
      [
        'POST',
        'projects/team/immutable-tags',
        { pattern: 'v1/../x' },
        'invalid tag pattern "v1/../x": 1-128 tag characters [A-Za-z0-9_.-] with the wildcards * (any run) and ? (one character)',
      ],
      ['POST', 'projects', undefined, 'a JSON body is required'],
    ];
    for (const [method, path, body, message] of cases) {
      const result = await api(env.url, method, path, admin, body);
      expect(result.status, `${method} ${path}`).toBe(400);
      expect(errorOf(result.body)).toEqual({ code: 'INVALID_REQUEST', message, detail: {} });
    }
    expect(await api(env.url, 'GET', 'users', admin)).toMatchObject({ body: before.body });
    expect((await api(env.url, 'GET', 'projects/team/robots', admin)).body).toMatchObject({
      robots: [{ name: 'robot$team+brief' }, { name: 'robot$team+gone' }],
    });
    expect((await api(env.url, 'GET', 'projects/team/members', admin)).body).toMatchObject({
      members: [{ user: 'dev', role: 'developer' }],
    });
  });

  it('protects the last admin and the caller themselves', async () => {
    const self = await api(env.url, 'DELETE', 'users/admin', admin);
    expect(self.status).toBe(409);
    expect(errorOf(self.body).message).toBe('you cannot delete your own account');
    const demote = await api(env.url, 'PATCH', 'users/admin', admin, { admin: false });
    expect(demote.status).toBe(409);
    expect(errorOf(demote.body).message).toBe('user admin is the last system administrator');
  });
});

describe('secrets', () => {
  it('never appear in a log line, an event or an error', () => {
    expect(events.length).toBeGreaterThan(10);
    expect(
      events.filter((event) => event.action === 'login' && event.result === 'failure').length,
    ).toBeGreaterThan(0);
    const text = `${env.logs()}\n${JSON.stringify(events)}`;
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(text).not.toMatch(/\$scrypt\$/);
  });
});

describe('failed-login limit', () => {
  it('also limits guesses of the current password behind a stolen token', async () => {
    const limited = await startIdentityServer({ LOCKYARD_AUTH_LOGIN_FAILURE_LIMIT: '2' });
    try {
      await api(limited.url, 'POST', 'users', admin, {
        name: 'victim',
        password: 'victim-password',
      });
      const token =
        (await fetchToken(limited.url, basic('victim', 'victim-password'), [])).token ?? '';
      const guess = (current: string) =>
        api(limited.url, 'PUT', 'users/victim/password', `Bearer ${token}`, {
          password: 'taken-over',
          currentPassword: current,
        });
      const missing = await api(limited.url, 'PUT', 'users/victim/password', `Bearer ${token}`, {
        password: 'taken-over',
      });
      expect(errorOf(missing.body).message).toBe(
        'currentPassword is required to change your own password',
      );
      for (const attempt of ['guess-1', 'guess-2']) {
        const refused = await guess(attempt);
        expect(refused.status).toBe(403);
        expect(errorOf(refused.body).message).toBe('the current password is wrong');
      }
      expect((await guess('victim-password')).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('counts one failure per request, also for pulls the registry first tries on its fast path', async () => {
    const limited = await startIdentityServer({ LOCKYARD_AUTH_LOGIN_FAILURE_LIMIT: '2' });
    try {
      const image = randomImage();
      expect(await pushImage(limited.url, 'team/app', 'v1', image, admin)).toBe(201);
      // Now cached: a GET of it is tried on the fast path first.
      expect(
        (
          await fetch(`${limited.url}/v2/team/app/manifests/v1`, {
            headers: { authorization: admin },
          })
        ).status,
      ).toBe(200);
      const wrong = basic('admin', 'wrong-password');
      expect(
        (
          await fetch(`${limited.url}/v2/team/app/manifests/v1`, {
            headers: { authorization: wrong },
          })
        ).status,
      ).toBe(401);
      expect((await fetchToken(limited.url, admin, [])).status).toBe(200);
      expect(
        (
          await fetch(
            `${limited.url}/v2/team/app/blobs/${sha256(image.blobs[0] ?? Buffer.alloc(0))}`,
            { headers: { authorization: wrong } },
          )
        ).status,
      ).toBe(401);
      expect((await fetchToken(limited.url, admin, [])).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('refuses a source after too many failures, before checking the password, on every endpoint', async () => {
    const limited = await startIdentityServer({
      LOCKYARD_AUTH_LOGIN_FAILURE_LIMIT: '3',
      LOCKYARD_AUTH_LOGIN_FAILURE_WINDOW_SECONDS: '600',
    });
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect((await fetchToken(limited.url, basic('admin', `guess-${attempt}`), [])).status).toBe(
          401,
        );
      }
      const token = await fetch(`${limited.url}/token?service=lockyard-registry`, {
        headers: { authorization: admin },
      });
      expect(token.status).toBe(429);
      expect(Number(token.headers.get('retry-after'))).toBeGreaterThan(590);
      expect(errorOf(await token.json())).toEqual({
        code: 'TOO_MANY_REQUESTS',
        message: expect.stringMatching(
          /^too many failed logins from this address; try again in \d+ s$/,
        ) as unknown,
        detail: {},
      });
      const registry = await fetch(`${limited.url}/v2/`, { headers: { authorization: admin } });
      expect(registry.status).toBe(429);
      expect(registry.headers.get('retry-after')).not.toBeNull();
      expect(errorOf(await registry.json()).code).toBe('TOOMANYREQUESTS');
      expect((await api(limited.url, 'GET', 'me', admin)).status).toBe(429);
      // Tokens issued before still work: the limit is on password checks.
      expect((await fetch(`${limited.url}/v2/`)).status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});
