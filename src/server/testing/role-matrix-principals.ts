import { expect } from 'vitest';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  pushImage,
  randomImage,
  startIdentityServer,
  type IdentityTestServer,
} from '../identity/testing/identity-server.js';

/** Every kind of caller the role matrix distinguishes, on the private project "team". */
export const WHO = [
  'anonymous',
  'outsider',
  'other-member',
  'guest',
  'developer',
  'maintainer',
  'project-admin',
  'system-admin',
  'robot-pull',
  'robot-push',
  'robot-all',
] as const;
export type Who = (typeof WHO)[number];

/** Registry calls with a token from /token (as podman and skopeo do), or Basic on every request. */
export type Mode = 'bearer' | 'basic';
export const MODES: readonly Mode[] = ['bearer', 'basic'];

const ROLES = {
  guest: 'guest',
  developer: 'developer',
  maintainer: 'maintainer',
  'project-admin': 'project-admin',
} as const;
const ROBOTS = {
  'robot-pull': ['pull'],
  'robot-push': ['pull', 'push'],
  'robot-all': ['pull', 'push', 'delete'],
} as const;

export interface MatrixServer {
  readonly env: IdentityTestServer;
  readonly admin: string;
  /** The Basic credentials of each caller (undefined: anonymous). */
  readonly credentials: ReadonlyMap<Who, string | undefined>;
}

async function ok(call: Promise<{ status: number }>): Promise<void> {
  expect((await call).status).toBeLessThan(300);
}

async function okStatus(call: Promise<number>): Promise<void> {
  expect(await call).toBeLessThan(300);
}

/**
 * The server with the projects the matrix acts on: "team" (private, where every role is held),
 * "other" (private; "other-member" is a developer there and nothing in "team") and "pub"
 * (anonymous pull), each with a repository to mount from, plus "team/app:v1" to pull.
 */
export async function startMatrixServer(): Promise<MatrixServer> {
  const env = await startIdentityServer();
  const admin = basic('admin', ADMIN_PASSWORD);
  for (const name of ['team', 'other']) await ok(api(env.url, 'POST', 'projects', admin, { name }));
  await ok(api(env.url, 'POST', 'projects', admin, { name: 'pub', anonymousPull: true }));
  const users = ['outsider', 'other-member', 'spare', ...Object.keys(ROLES)];
  for (const name of users)
    await ok(api(env.url, 'POST', 'users', admin, { name, password: `${name}-password` }));
  for (const [name, role] of Object.entries(ROLES))
    await ok(api(env.url, 'PUT', `projects/team/members/${name}`, admin, { role }));
  await ok(
    api(env.url, 'PUT', 'projects/other/members/other-member', admin, { role: 'developer' }),
  );
  const credentials = new Map<Who, string | undefined>();
  for (const [who, actions] of Object.entries(ROBOTS)) {
    const created = await api(env.url, 'POST', 'projects/team/robots', admin, {
      name: who,
      actions,
    });
    expect(created.status).toBe(201);
    const body = created.body as { name: string; secret: string };
    credentials.set(who as Who, basic(body.name, body.secret));
  }
  credentials.set('anonymous', undefined);
  credentials.set('system-admin', admin);
  for (const name of users) credentials.set(name as Who, basic(name, `${name}-password`));
  await okStatus(pushImage(env.url, 'team/app', 'v1', randomImage(), admin));
  for (const repository of ['team/base', 'other/base', 'pub/base'])
    await okStatus(pushImage(env.url, repository, 'v1', randomImage(), admin));
  return { env, admin, credentials };
}
