// `lockyard registry user|project|member|robot|tag-rule` as a user runs them (the built CLI)
// against `lockyard server` started as a child process with LOCKYARD_ADMIN_PASSWORD.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../../../server/testing/spawn-server.js';
import { runCli, useTempDir } from '../../../testing/index.js';

const ADMIN_PASSWORD = 'cli-admin-password';
const dir = useTempDir('lockyard-registry-admin-');
let server: SpawnedServer;

/** Runs an admin command signed in as `user` (password on the first stdin line, then `more`). */
function as(user: string, password: string, args: readonly string[], more = '') {
  return runCli(
    ['registry', ...args, '--server', server.url, '--username', user, '--password-stdin'],
    { input: `${password}\n${more}` },
  );
}

function asAdmin(args: readonly string[], more = '') {
  return as('admin', ADMIN_PASSWORD, args, more);
}

async function tokenStatus(user: string, password: string): Promise<number> {
  const response = await fetch(`${server.url}/token?service=lockyard-registry`, {
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
  });
  return response.status;
}

beforeAll(async () => {
  server = await spawnServer(
    ['--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--insecure-http'],
    { LOCKYARD_ADMIN_PASSWORD: ADMIN_PASSWORD },
  );
});
afterAll(async () => {
  await server.stop();
});

describe('registry user', () => {
  it('adds users with a password from stdin or a generated one shown once', async () => {
    expect(await asAdmin(['user', 'add', 'bob', '--new-password-stdin'], 'bob-password\n')).toEqual(
      { code: 0, stdout: 'user bob created\n', stderr: '' },
    );
    const carol = await asAdmin(['user', 'add', 'carol']);
    expect(carol.code).toBe(0);
    const password =
      /^password for carol: (?<password>\S+)$/m.exec(carol.stdout)?.groups?.['password'] ?? '';
    expect(carol.stdout).toBe(
      `user carol created\npassword for carol: ${password}\n(shown once: it is stored only as a hash)\n`,
    );
    expect(await tokenStatus('carol', password)).toBe(200);
    expect(
      (
        await asAdmin(
          ['user', 'add', 'root2', '--admin', '--new-password-stdin'],
          'root2-password\n',
        )
      ).stdout,
    ).toBe('user root2 created (system administrator)\n');
  });

  it('lists users as a table and as JSON', async () => {
    const table = await asAdmin(['user', 'list']);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +ADMIN +CREATED$/);
    expect(lines.slice(1).map((line) => line.split(/ +/).slice(0, 2))).toEqual([
      ['admin', 'true'],
      ['bob', 'false'],
      ['carol', 'false'],
      ['root2', 'true'],
    ]);
    const json = JSON.parse((await asAdmin(['user', 'list', '--json'])).stdout) as {
      users: { name: string }[];
    };
    expect(json.users.map((user) => user.name)).toEqual(['admin', 'bob', 'carol', 'root2']);
  });

  it('lets a user change their own password (the current one signs in) and ends the old one', async () => {
    expect(
      (
        await as(
          'bob',
          'bob-password',
          ['user', 'passwd', 'bob', '--new-password-stdin'],
          'bob-new-password\n',
        )
      ).stdout,
    ).toBe('password of bob changed; its earlier tokens no longer work\n');
    expect(await tokenStatus('bob', 'bob-password')).toBe(401);
    expect(await tokenStatus('bob', 'bob-new-password')).toBe(200);
  });

  it('refuses non-admins, wrong passwords and missing flags with one line and exit 2', async () => {
    const cases: [ReturnType<typeof runCli>, string][] = [
      [
        as('bob', 'bob-new-password', ['user', 'list']),
        `lockyard: error: ${server.url} refused GET /api/v1/users: only a system administrator may list users (DENIED)\n`,
      ],
      [
        as('admin', 'wrong-password', ['user', 'list']),
        `lockyard: error: ${server.url} refused GET /api/v1/users: invalid username or password (UNAUTHORIZED)\n`,
      ],
      [
        runCli(['registry', 'user', 'list', '--password-stdin', '--server', server.url], {
          input: 'x\n',
        }),
        'lockyard: error: --password-stdin needs --username (or $LOCKYARD_USERNAME)\n',
      ],
      [
        runCli(['registry', 'user', 'list', '--username', 'admin', '--password-stdin'], {
          input: 'x\n',
        }),
        'lockyard: error: --server <url> (or $LOCKYARD_SERVER) is required\n',
      ],
      [
        runCli(['registry', 'user', 'list', '--server', server.url]),
        'lockyard: error: no credentials: give --username with --password-stdin, or --token-stdin, or set $LOCKYARD_TOKEN\n',
      ],
      [
        runCli(['registry', 'user', 'list', '--server', 'ftp://x', '--token-stdin'], {
          input: 't\n',
        }),
        'lockyard: error: --server: only http and https URLs, not ftp:\n',
      ],
      [
        asAdmin(['user', 'add', 'dave', '--new-password-stdin']),
        'lockyard: error: --new-password-stdin: no new password on the second line of standard input (the first is your own password)\n',
      ],
      [
        asAdmin(['user', 'add', 'Dave']),
        `lockyard: error: ${server.url} refused POST /api/v1/users: invalid user name "Dave": 1-64 lower-case letters, digits, ".", "_", "-" or "@", starting and ending with a letter or digit (INVALID_REQUEST)\n`,
      ],
    ];
    for (const [run, stderr] of cases) {
      const result = await run;
      expect(result.stderr).toBe(stderr);
      expect(result.code).toBe(2);
    }
    const unreachable = await runCli(
      ['registry', 'user', 'list', '--server', 'http://127.0.0.1:9', '--token-stdin'],
      { input: 'token\n' },
    );
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(
      /^lockyard: error: cannot reach http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED.*\n$/,
    );
  });

  it('signs in with a token from $LOCKYARD_TOKEN or --token-stdin', async () => {
    const response = await fetch(`${server.url}/token?service=lockyard-registry`, {
      headers: {
        authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
      },
    });
    const { token } = (await response.json()) as { token: string };
    const viaEnv = await runCli(['registry', 'user', 'list', '--server', server.url, '--json'], {
      env: { LOCKYARD_TOKEN: token },
    });
    expect(viaEnv.code).toBe(0);
    const viaStdin = await runCli(
      ['registry', 'project', 'list', '--server', server.url, '--token-stdin'],
      { input: `${token}\n` },
    );
    expect(viaStdin).toEqual({ code: 0, stdout: '(none)\n', stderr: '' });
  });
});

describe('registry project, member, robot, tag-rule', () => {
  it('creates, lists and changes projects', async () => {
    expect((await asAdmin(['project', 'create', 'team', '--anonymous-pull'])).stdout).toBe(
      'project team created (anonymous pull)\n',
    );
    expect((await asAdmin(['project', 'create', 'quiet'])).stdout).toBe('project quiet created\n');
    expect((await asAdmin(['project', 'set', 'team', '--no-anonymous-pull'])).stdout).toBe(
      'project team: anonymous pull off\n',
    );
    const listed = (await asAdmin(['project', 'list'])).stdout.trimEnd().split('\n');
    expect(listed.map((line) => line.split(/ +/))).toEqual([
      ['NAME', 'ANONYMOUS-PULL', 'YOUR-ROLE', 'CREATED-BY'],
      ['quiet', 'false', '-', 'admin'],
      ['team', 'false', '-', 'admin'],
    ]);
    const noFlag = await asAdmin(['project', 'set', 'team']);
    expect(noFlag).toEqual({
      code: 2,
      stdout: '',
      stderr: 'lockyard: error: project set: give --anonymous-pull or --no-anonymous-pull\n',
    });
    expect((await asAdmin(['project', 'delete', 'quiet'])).stdout).toBe('project quiet deleted\n');
  });

  it('adds, lists and removes members; roles are checked by the CLI', async () => {
    expect(
      (await asAdmin(['member', 'add', 'team', 'bob', '--role', 'project-admin'])).stdout,
    ).toBe('bob is project-admin of project team\n');
    expect(
      (
        await as('bob', 'bob-new-password', [
          'member',
          'add',
          'team',
          'carol',
          '--role',
          'developer',
        ])
      ).stdout,
    ).toBe('carol is developer of project team\n');
    const members = (await as('bob', 'bob-new-password', ['member', 'list', 'team'])).stdout
      .trimEnd()
      .split('\n');
    expect(members.map((line) => line.split(/ +/).slice(0, 2))).toEqual([
      ['USER', 'ROLE'],
      ['bob', 'project-admin'],
      ['carol', 'developer'],
    ]);
    const badRole = await asAdmin(['member', 'add', 'team', 'carol', '--role', 'owner']);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain(
      "option '--role <role>' argument 'owner' is invalid. Allowed choices are guest, developer, maintainer, project-admin.",
    );
    expect(
      (await as('bob', 'bob-new-password', ['project', 'list'])).stdout.split('\n')[1]?.split(/ +/),
    ).toEqual(['team', 'false', 'project-admin', 'admin']);
    expect((await asAdmin(['member', 'remove', 'team', 'carol'])).stdout).toBe(
      'carol removed from project team\n',
    );
  });

  it('creates a robot, prints its secret once, lists it without, and revokes it', async () => {
    const created = await as('bob', 'bob-new-password', [
      'robot',
      'create',
      'team',
      'ci',
      '--actions',
      'pull,push',
      '--expires-in',
      '30d',
      '--description',
      'CI pipeline',
    ]);
    expect(created.code).toBe(0);
    const secret = /^secret: (?<secret>lyr_\S+)$/m.exec(created.stdout)?.groups?.['secret'] ?? '';
    expect(created.stdout).toMatch(
      /^robot account: robot\$team\+ci\nsecret: lyr_[\w-]{43}\nactions: pull,push; expires: \d{4}-\d\d-\d\dT[\d:.]+Z\n\(the secret is shown once: it is stored only as a hash\)\n$/,
    );
    expect(await tokenStatus('robot$team+ci', secret)).toBe(200);
    const listed = await as('bob', 'bob-new-password', ['robot', 'list', 'team']);
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout.trimEnd().split('\n')[1]?.split(/ +/).slice(0, 3)).toEqual([
      'robot$team+ci',
      'pull,push',
      'active',
    ]);
    const badActions = await as('bob', 'bob-new-password', [
      'robot',
      'create',
      'team',
      'x',
      '--actions',
      'pull,admin',
    ]);
    expect(badActions.stderr).toBe(
      'lockyard: error: --actions: unknown action "admin" (use pull, push, delete)\n',
    );
    expect((await as('bob', 'bob-new-password', ['robot', 'revoke', 'team', 'ci'])).stdout).toBe(
      'robot account robot$team+ci revoked\n',
    );
    expect(await tokenStatus('robot$team+ci', secret)).toBe(401);
  });

  it('adds, lists and removes immutable-tag rules', async () => {
    expect((await asAdmin(['tag-rule', 'add', 'team', 'v*'])).stdout).toBe(
      'rule 1: tags matching v* in project team are immutable\n',
    );
    expect(
      (await asAdmin(['tag-rule', 'list', 'team'])).stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(/ +/)),
    ).toEqual([
      ['ID', 'PATTERN', 'CREATED-BY'],
      ['1', 'v*', 'admin'],
    ]);
    expect((await asAdmin(['tag-rule', 'remove', 'team', '1'])).stdout).toBe(
      'rule 1 removed from project team\n',
    );
    expect((await asAdmin(['tag-rule', 'remove', 'team', 'x'])).stderr).toBe(
      `lockyard: error: ${server.url} refused DELETE /api/v1/projects/team/immutable-tags/x: invalid rule id "x": expected a number (INVALID_REQUEST)\n`,
    );
  });

  it('deletes users', async () => {
    expect((await asAdmin(['user', 'delete', 'carol'])).stdout).toBe('user carol deleted\n');
    expect((await asAdmin(['user', 'delete', 'carol'])).stderr).toBe(
      `lockyard: error: ${server.url} refused DELETE /api/v1/users/carol: user carol not found (NOT_FOUND)\n`,
    );
  });

  it('the server never logged a secret', () => {
    for (const secret of [ADMIN_PASSWORD, 'bob-password', 'bob-new-password', 'root2-password'])
      expect(server.stderr()).not.toContain(secret);
  });
});
