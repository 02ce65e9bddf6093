// Real clients against `lockyard server` as a child process with LOCKYARD_ADMIN_PASSWORD set:
// users, projects, members and robots made with the `lockyard registry` CLI; podman login, push
// and pull through token auth; buildah building on an image it pulled and pushing as a robot;
// skopeo with --creds/--src-creds/--dest-creds, anonymous pull, a revoked robot, immutable tags
// and deletes (skopeo asks for the `*` scope to delete).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WrittenImage } from '../../oci/index.js';
import { runCli, useTempDir } from '../../testing/index.js';
import { buildTestImage, podmanEnv, tool } from '../testing/client-tools.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';

const ADMIN_PASSWORD = 'admin-password-1';
const dir = useTempDir('lockyard-identity-clients-');
let server: SpawnedServer;
let host: string;
let first: WrittenImage;
let robotSecret: string;
// No auth file of the machine's: each client sees only the credentials a test gives it.
const noAuthFile = join(dir, 'empty-auth.json');
const skopeoEnv = { REGISTRY_AUTH_FILE: noAuthFile };

async function admin(args: readonly string[], input = `${ADMIN_PASSWORD}\n`) {
  const result = await runCli(
    ['registry', ...args, '--server', server.url, '--username', 'admin', '--password-stdin'],
    { input },
  );
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

function skopeo(args: readonly string[]) {
  return tool('skopeo', args, skopeoEnv);
}

beforeAll(async () => {
  writeFileSync(noAuthFile, '{}');
  server = await spawnServer(
    ['--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--insecure-http'],
    { LOCKYARD_ADMIN_PASSWORD: ADMIN_PASSWORD },
  );
  host = new URL(server.url).host;
  first = await buildTestImage(join(dir, 'first'), 'v1', 'first');
  await buildTestImage(join(dir, 'second'), 'v1', 'second');
  await admin(['project', 'create', 'team']);
  for (const [user, role] of [
    ['dev', 'developer'],
    ['viewer', 'guest'],
    ['keeper', 'maintainer'],
  ] as const) {
    await admin(
      ['user', 'add', user, '--new-password-stdin'],
      `${ADMIN_PASSWORD}\n${user}-password\n`,
    );
    await admin(['member', 'add', 'team', user, '--role', role]);
  }
  const created = await admin([
    'robot',
    'create',
    'team',
    'ci',
    '--actions',
    'pull,push',
    '--description',
    'CI pipeline',
  ]);
  robotSecret = /secret: (?<secret>\S+)/.exec(created)?.groups?.['secret'] ?? '';
  expect(robotSecret).toMatch(/^lyr_[A-Za-z0-9_-]{43}$/);
});
afterAll(async () => {
  await server.stop();
});

/** A containers/* client's own storage, registries.conf and auth file under `dir/name`. */
function clientEnv(name: string): Record<string, string> {
  mkdirSync(join(dir, name), { recursive: true });
  return { ...podmanEnv(join(dir, name), host), REGISTRY_AUTH_FILE: join(dir, name, 'auth.json') };
}

describe('podman (token auth)', () => {
  let env: Record<string, string>;
  beforeAll(() => {
    env = clientEnv('podman');
  });
  afterAll(async () => {
    await tool('podman', ['system', 'reset', '--force'], env).catch(() => undefined);
  });

  function login(user: string, password: string) {
    return spawnSync('podman', ['login', '--password-stdin', '-u', user, host], {
      env: { ...process.env, ...env },
      input: `${password}\n`,
      encoding: 'utf8',
    });
  }

  it('refuses a wrong password at login with the same answer whether or not the user exists', () => {
    const answers = ['dev', 'nobody'].map((user) => login(user, 'not-the-password'));
    for (const answer of answers) {
      expect(answer.status).not.toBe(0);
      expect(answer.stderr).toContain('invalid username/password');
    }
    expect(answers[0]?.stderr.replace('"dev"', '"nobody"')).toBe(answers[1]?.stderr);
  });

  it('logs in as a developer, pushes, and pulls the image back with the digest we wrote', async () => {
    expect(login('dev', 'dev-password').stdout).toContain('Login Succeeded');
    // Into podman's own storage (the test's), named as podman would name a build.
    await tool(
      'skopeo',
      ['copy', `oci:${join(dir, 'first')}:v1`, 'containers-storage:localhost/first:v1'],
      env,
    );
    await tool('podman', ['tag', 'localhost/first:v1', `${host}/team/app:v1`], env);
    await tool('podman', ['push', `${host}/team/app:v1`], env);
    await tool('podman', ['rmi', '--all', '--force'], env);
    await tool('podman', ['pull', `${host}/team/app:v1`], env);
    const id = (
      await tool('podman', ['image', 'inspect', '--format', '{{.Id}}', `${host}/team/app:v1`], env)
    ).stdout.trim();
    expect(`sha256:${id}`).toBe(first.configDigest);
  });

  it('a guest can pull but not push', async () => {
    expect(login('viewer', 'viewer-password').status).toBe(0);
    await tool('podman', ['pull', `${host}/team/app:v1`], env);
    await tool('podman', ['tag', `${host}/team/app:v1`, `${host}/team/app:from-guest`], env);
    await expect(tool('podman', ['push', `${host}/team/app:from-guest`], env)).rejects.toThrow(
      /unauthorized|denied/i,
    );
    await tool('podman', ['logout', host], env);
  });
});

describe('buildah (token auth, robot account)', () => {
  let env: Record<string, string>;
  beforeAll(() => {
    env = clientEnv('buildah');
  });
  afterAll(async () => {
    await tool('buildah', ['rm', '--all'], env).catch(() => undefined);
    await tool('buildah', ['rmi', '--all', '--force'], env).catch(() => undefined);
  });

  it('logs in as the CI robot, builds on an image it pulls from us, pushes the result', async () => {
    // buildah 1.28's login pings over HTTPS unless told, whatever registries.conf says.
    const login = spawnSync(
      'buildah',
      ['login', '--tls-verify=false', '--password-stdin', '-u', 'robot$team+ci', host],
      {
        env: { ...process.env, ...env },
        input: `${robotSecret}\n`,
        encoding: 'utf8',
      },
    );
    expect(login.stdout, login.stderr).toContain('Login Succeeded');
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      `robot$team+ci:${robotSecret}`,
      `oci:${join(dir, 'first')}:v1`,
      `docker://${host}/team/base:v1`,
    ]);
    const container = (await tool('buildah', ['from', `${host}/team/base:v1`], env)).stdout.trim();
    const added = join(dir, 'buildah', 'built-by.txt');
    writeFileSync(added, 'buildah\n');
    await tool('buildah', ['copy', container, added, '/srv/built-by.txt'], env);
    await tool('buildah', ['config', '--label', 'org.example.marker=buildah', container], env);
    await tool('buildah', ['commit', container, `${host}/team/built:v1`], env);
    await tool('buildah', ['push', `${host}/team/built:v1`], env);
    const inspected = JSON.parse(
      (
        await skopeo([
          'inspect',
          '--tls-verify=false',
          '--creds',
          'viewer:viewer-password',
          `docker://${host}/team/built:v1`,
        ])
      ).stdout,
    ) as { Labels: Record<string, string>; Layers: string[] };
    expect(inspected.Labels['org.example.marker']).toBe('buildah');
    // The base's two layers and the one buildah added.
    expect(inspected.Layers).toHaveLength(3);
  });

  it('pulls with the robot, and is refused a push once logged out', async () => {
    await tool('buildah', ['rmi', '--all', '--force'], env);
    await tool('buildah', ['pull', `${host}/team/built:v1`], env);
    await tool('buildah', ['logout', host], env);
    await tool('buildah', ['tag', `${host}/team/built:v1`, `${host}/team/built:anonymous`], env);
    await expect(tool('buildah', ['push', `${host}/team/built:anonymous`], env)).rejects.toThrow(
      /unauthorized|authentication required|denied/i,
    );
  });
});

describe('skopeo', () => {
  it('pushes with a robot account (--dest-creds) and reads back with a guest (--src-creds)', async () => {
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      `robot$team+ci:${robotSecret}`,
      `oci:${join(dir, 'second')}:v1`,
      `docker://${host}/team/robot:v1`,
    ]);
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      '--src-creds',
      'viewer:viewer-password',
      `docker://${host}/team/robot:v1`,
      `oci:${join(dir, 'out')}:v1`,
    ]);
    // skopeo may reuse a layer podman already pushed (same content, other compression), so the
    // manifest digest can differ from the layout's; the image is the one we wrote.
    const inspected = JSON.parse(
      (
        await skopeo([
          'inspect',
          '--tls-verify=false',
          '--creds',
          'viewer:viewer-password',
          `docker://${host}/team/robot:v1`,
        ])
      ).stdout,
    ) as {
      Labels: Record<string, string>;
    };
    expect(inspected.Labels).toEqual({ 'org.example.marker': 'second' });
  });

  it('needs credentials until the project allows anonymous pull, and then only for pull', async () => {
    const signedIn = JSON.parse(
      (
        await skopeo([
          'inspect',
          '--tls-verify=false',
          '--creds',
          'viewer:viewer-password',
          `docker://${host}/team/app:v1`,
        ])
      ).stdout,
    ) as { Digest: string };
    await expect(
      skopeo(['inspect', '--tls-verify=false', `docker://${host}/team/app:v1`]),
    ).rejects.toThrow(/authentication required/);
    await admin(['project', 'set', 'team', '--anonymous-pull']);
    const inspected = JSON.parse(
      (await skopeo(['inspect', '--tls-verify=false', `docker://${host}/team/app:v1`])).stdout,
    ) as { Digest: string };
    expect(inspected.Digest).toBe(signedIn.Digest);
    await expect(
      skopeo([
        'copy',
        '--dest-tls-verify=false',
        `oci:${join(dir, 'second')}:v1`,
        `docker://${host}/team/app:anon`,
      ]),
    ).rejects.toThrow(/authentication required|unauthorized/i);
    await admin(['project', 'set', 'team', '--no-anonymous-pull']);
  });

  it('a push into a project that does not exist is refused for a member of another project', async () => {
    await expect(
      skopeo([
        'copy',
        '--dest-tls-verify=false',
        '--dest-creds',
        'dev:dev-password',
        `oci:${join(dir, 'second')}:v1`,
        `docker://${host}/elsewhere/app:v1`,
      ]),
    ).rejects.toThrow(/unauthorized|denied/i);
  });

  it('keeps immutable tags: no overwrite with other content, no delete; other tags still move', async () => {
    const digestOf = async (tag: string) =>
      (
        JSON.parse(
          (
            await skopeo([
              'inspect',
              '--tls-verify=false',
              '--creds',
              'viewer:viewer-password',
              `docker://${host}/team/app:${tag}`,
            ])
          ).stdout,
        ) as { Digest: string }
      ).Digest;
    const before = await digestOf('v1');
    await admin(['tag-rule', 'add', 'team', 'v*']);
    const creds = ['--dest-creds', 'dev:dev-password'];
    await expect(
      skopeo([
        'copy',
        '--dest-tls-verify=false',
        ...creds,
        `oci:${join(dir, 'second')}:v1`,
        `docker://${host}/team/app:v1`,
      ]),
    ).rejects.toThrow(
      /denied: tag v1 of repository team\/app is immutable \(rule \\?"v\*\\?"\): it cannot be overwritten/,
    );
    // The same manifest again changes nothing and is allowed (a retried push).
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--src-creds',
      'dev:dev-password',
      ...creds,
      `docker://${host}/team/app:v1`,
      `docker://${host}/team/app:v1`,
    ]);
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      ...creds,
      `oci:${join(dir, 'second')}:v1`,
      `docker://${host}/team/app:latest`,
    ]);
    await expect(
      skopeo([
        'delete',
        '--tls-verify=false',
        '--creds',
        'keeper:keeper-password',
        `docker://${host}/team/app:v1`,
      ]),
    ).rejects.toThrow(/is immutable/);
    expect(await digestOf('v1')).toBe(before);
  });

  it('deletes as a maintainer; a developer may not', async () => {
    await expect(
      skopeo([
        'delete',
        '--tls-verify=false',
        '--creds',
        'dev:dev-password',
        `docker://${host}/team/app:latest`,
      ]),
    ).rejects.toThrow(/unauthorized|denied/i);
    await skopeo([
      'delete',
      '--tls-verify=false',
      '--creds',
      'keeper:keeper-password',
      `docker://${host}/team/app:latest`,
    ]);
    await expect(
      skopeo([
        'inspect',
        '--tls-verify=false',
        '--creds',
        'viewer:viewer-password',
        `docker://${host}/team/app:latest`,
      ]),
    ).rejects.toThrow(/manifest unknown/i);
  });

  it('a revoked robot is refused at once, with a message that says so', async () => {
    await admin(['robot', 'revoke', 'team', 'ci']);
    await expect(
      skopeo([
        'inspect',
        '--tls-verify=false',
        '--creds',
        `robot$team+ci:${robotSecret}`,
        `docker://${host}/team/robot:v1`,
      ]),
    ).rejects.toThrow(/robot account robot\$team\+ci has been revoked/);
  });

  it('never logs a password, robot secret or token', () => {
    const logs = server.stderr();
    for (const secret of [
      ADMIN_PASSWORD,
      'dev-password',
      'viewer-password',
      'keeper-password',
      robotSecret,
    ])
      expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});
