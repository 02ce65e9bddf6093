// A system robot made with `lockyard registry robot create --system`, used by skopeo against
// `lockyard server` as a child process: it pushes into the project where it holds push, is
// refused in the project where it holds only pull (and may still pull there), and stops at
// once when revoked with `robot revoke --system`.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../../testing/index.js';
import { buildTestImage, tool } from '../testing/client-tools.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';

const ADMIN_PASSWORD = 'admin-password-2';
const dir = useTempDir('lockyard-system-robot-clients-');
let server: SpawnedServer;
let host: string;
let secret: string;
const noAuthFile = join(dir, 'empty-auth.json');

async function cli(args: readonly string[], input = `${ADMIN_PASSWORD}\n`, user = 'admin') {
  return runCli(
    ['registry', ...args, '--server', server.url, '--username', user, '--password-stdin'],
    { input },
  );
}

async function admin(args: readonly string[], input?: string) {
  const result = await cli(args, input);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

function skopeo(args: readonly string[]) {
  return tool('skopeo', args, { REGISTRY_AUTH_FILE: noAuthFile });
}

const copyAsRobot = (target: string) =>
  skopeo([
    'copy',
    '--dest-tls-verify=false',
    '--dest-creds',
    `robot$deployer:${secret}`,
    `oci:${join(dir, 'image')}:v1`,
    `docker://${host}/${target}`,
  ]);

beforeAll(async () => {
  writeFileSync(noAuthFile, '{}');
  server = await spawnServer(
    ['--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0', '--insecure-http'],
    { LOCKYARD_ADMIN_PASSWORD: ADMIN_PASSWORD },
  );
  host = new URL(server.url).host;
  await buildTestImage(join(dir, 'image'), 'v1', 'system-robot');
  for (const project of ['team', 'other']) await admin(['project', 'create', project]);
  await admin(
    ['user', 'add', 'lead', '--new-password-stdin'],
    `${ADMIN_PASSWORD}\nlead-password\n`,
  );
  await admin(['member', 'add', 'team', 'lead', '--role', 'project-admin']);
});
afterAll(async () => {
  await server.stop();
});

describe('lockyard registry robot --system', () => {
  it('creates a system robot with grants and prints its secret once', async () => {
    const created = await admin([
      'robot',
      'create',
      '--system',
      'deployer',
      '--grant',
      'team:pull,push',
      '--grant',
      'other:pull',
      '--expires-in-days',
      '7',
      '--description',
      'deploys',
    ]);
    expect(created).toMatch(
      /^robot account: robot\$deployer\nsecret: lyr_[\w-]{43}\ngrants: other:pull team:pull,push; expires: \d{4}-\d\d-\d\dT[\d:.]+Z\n\(the secret is shown once: it is stored only as a hash\)\n$/,
    );
    secret = /secret: (?<secret>\S+)/.exec(created)?.groups?.['secret'] ?? '';
    const listed = await admin(['robot', 'list', '--system']);
    expect(listed.split('\n')[0]).toMatch(/^NAME\s+GRANTS\s+STATE\s+EXPIRES\s+DESCRIPTION$/);
    expect(listed).toMatch(/robot\$deployer\s+other:pull team:pull,push\s+active\s+\S+\s+deploys/);
    expect(listed).not.toContain(secret);
  });

  it('a project admin is refused, and bad flags are one-line errors', async () => {
    const refused = await cli(
      ['robot', 'create', '--system', 'mine', '--grant', 'team:pull'],
      'lead-password\n',
      'lead',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /only a system administrator may create system robot accounts \(DENIED\)\n$/,
    );
    const cases: [readonly string[], RegExp][] = [
      [['robot', 'create', '--system', 'x'], /at least one --grant PROJECT:ACTIONS/],
      [
        ['robot', 'create', '--system', 'x', '--grant', 'team'],
        /--grant "team": expected PROJECT:ACTIONS/,
      ],
      [
        ['robot', 'create', '--system', 'x', '--grant', 'team:admin'],
        /--grant team: unknown action "admin"/,
      ],
      [
        ['robot', 'create', '--system', 'x', '--grant', 'team:pull', '--actions', 'pull'],
        /--actions is for project robots/,
      ],
      [['robot', 'create', 'team', 'x', '--grant', 'team:pull'], /--grant is for system robots/],
      [
        ['robot', 'create', '--system', 'x', '--grant', 'nowhere:pull'],
        /grants\[0\]: project nowhere not found \(NOT_FOUND\)/,
      ],
      [['robot', 'list'], /robot list needs PROJECT \(or --system/],
      [['robot', 'revoke', '--system', 'nobody'], /robot account robot\$nobody not found/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('skopeo pushes with --dest-creds into the project with push, and is refused where it holds pull only', async () => {
    await copyAsRobot('team/app:v1');
    await expect(copyAsRobot('other/app:v1')).rejects.toThrow(
      /denied|unauthorized|authentication required/i,
    );
    // It may pull in "other": the admin puts an image there, the robot copies it out.
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      `admin:${ADMIN_PASSWORD}`,
      `oci:${join(dir, 'image')}:v1`,
      `docker://${host}/other/app:v1`,
    ]);
    const inspected = JSON.parse(
      (
        await skopeo([
          'inspect',
          '--tls-verify=false',
          '--creds',
          `robot$deployer:${secret}`,
          `docker://${host}/other/app:v1`,
        ])
      ).stdout,
    ) as { Labels: Record<string, string> };
    expect(inspected.Labels).toEqual({ 'org.example.marker': 'system-robot' });
    // And never delete, even where it pushes.
    await expect(
      skopeo([
        'delete',
        '--tls-verify=false',
        '--creds',
        `robot$deployer:${secret}`,
        `docker://${host}/team/app:v1`,
      ]),
    ).rejects.toThrow(/denied|unauthorized|authentication required/i);
  });

  it('is refused at once after robot revoke --system, with a message that says so', async () => {
    expect(await admin(['robot', 'revoke', '--system', 'deployer'])).toBe(
      'robot account robot$deployer revoked\n',
    );
    await expect(copyAsRobot('team/app:v2')).rejects.toThrow(
      /robot account robot\$deployer has been revoked/,
    );
    expect(await admin(['robot', 'list', '--system'])).toMatch(
      /robot\$deployer\s+other:pull team:pull,push\s+revoked/,
    );
  });

  it('never logs the robot secret', () => {
    expect(server.stderr()).not.toContain(secret);
  });
});
