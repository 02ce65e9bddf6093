import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import {
  api,
  fetchToken,
  pushBlob,
  pushImage,
  randomImage,
  sha256,
} from '../identity/testing/identity-server.js';
import { MATRIX_REPOSITORIES } from './role-matrix-catalog.js';
import type { MatrixServer, Mode, Who } from './role-matrix-principals.js';

export const ACTIONS = [
  'pull',
  'blob-push',
  'manifest-push-tag',
  'manifest-push-digest',
  'blob-delete',
  'manifest-delete',
  'tag-delete',
  'mount-same-project',
  'mount-from-public',
  'mount-from-private',
  'catalog',
  'project-settings',
  'tag-rule-create',
  'tag-rule-delete',
  'member-add',
  'member-set',
  'robot-create',
  'user-create',
] as const;
export type Action = (typeof ACTIONS)[number];

/** The actions each robot grant (pull, push, delete) stands for in the matrices. */
export const PULL: readonly Action[] = ['pull'];
// Push: blobs, manifests by tag and by digest, and mounts (pull on the source, push on the target).
export const PUSH: readonly Action[] = [
  'blob-push',
  'manifest-push-tag',
  'manifest-push-digest',
  'mount-same-project',
  'mount-from-public',
];
export const DELETE: readonly Action[] = ['blob-delete', 'manifest-delete', 'tag-delete'];
export const MOUNTS: readonly Action[] = [
  'mount-same-project',
  'mount-from-public',
  'mount-from-private',
];

export interface Outcome {
  readonly status: number;
  /** Whether the action took effect, looked up afterwards by the system admin. */
  readonly effect: boolean;
  /** For 'catalog' answered 200: the repositories it listed. */
  readonly listed?: readonly string[];
}

/** What one caller needs prepared (by the system admin) for one run of every action. */
interface Prepared {
  readonly blob: Buffer;
  readonly byTag: ReturnType<typeof randomImage>;
  readonly byDigest: ReturnType<typeof randomImage>;
  readonly deleteDigest: string;
  readonly mounts: Readonly<Record<'team/base' | 'pub/base' | 'other/base', Buffer>>;
  readonly ruleId: number;
}

/**
 * Performs each action of the matrix for real and reports its status and its effect. Every
 * caller acts on its own objects (keyed by mode and caller), so one caller's success never
 * changes what the next one finds.
 */
export function matrixActions(server: MatrixServer) {
  const { env, admin, credentials } = server;
  const prepared = new Map<string, Prepared>();

  async function prepare(key: string): Promise<void> {
    const ok = async (status: Promise<number>): Promise<void> => {
      expect(await status).toBe(201);
    };
    const blob = randomBytes(32);
    await ok(pushBlob(env.url, 'team/app', blob, admin));
    const byTag = randomImage();
    const byDigest = randomImage();
    for (const data of [...byTag.blobs, ...byDigest.blobs])
      await ok(pushBlob(env.url, 'team/app', data, admin));
    const doomed = randomImage();
    await ok(pushImage(env.url, 'team/app', `md-${key}`, doomed, admin));
    await ok(pushImage(env.url, 'team/app', `td-${key}`, randomImage(), admin));
    const mounts = {
      'team/base': randomBytes(48),
      'pub/base': randomBytes(48),
      'other/base': randomBytes(48),
    };
    for (const [repository, data] of Object.entries(mounts))
      await ok(pushBlob(env.url, repository, data, admin));
    const rule = await api(env.url, 'POST', 'projects/team/immutable-tags', admin, {
      pattern: `gone-${key}`,
    });
    expect(rule.status).toBe(201);
    const created = await api(env.url, 'POST', 'users', admin, {
      name: `new-${key}`,
      password: 'new-member-password',
    });
    expect(created.status).toBe(201);
    prepared.set(key, {
      blob,
      byTag,
      byDigest,
      deleteDigest: doomed.digest,
      mounts,
      ruleId: (rule.body as { id: number }).id,
    });
  }

  async function token(who: Who, scopes: readonly string[]): Promise<string> {
    const answer = await fetchToken(env.url, credentials.get(who), scopes);
    expect(answer.status, `token for ${who}`).toBe(200);
    return `Bearer ${answer.token ?? ''}`;
  }

  /** The caller's Authorization header: Basic as is, or a token for `scopes`. */
  async function authorization(
    mode: Mode,
    who: Who,
    scopes: readonly string[],
  ): Promise<string | undefined> {
    return mode === 'basic' ? credentials.get(who) : token(who, scopes);
  }

  async function call(
    auth: string | undefined,
    method: string,
    path: string,
    body?: Buffer,
    contentType = 'application/octet-stream',
  ): Promise<number> {
    const response = await fetch(`${env.url}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: auth } : {}),
        ...(body ? { 'content-type': contentType } : {}),
      },
      ...(body ? { body } : {}),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** As the system admin: 200 when `path` (a HEAD-able registry path) exists. */
  const exists = async (path: string): Promise<boolean> =>
    (await call(admin, 'HEAD', path)) === 200;
  const adminGet = async (path: string): Promise<unknown> =>
    (await api(env.url, 'GET', path, admin)).body;

  type Perform = (mode: Mode, who: Who, key: string, item: Prepared) => Promise<Outcome>;

  const registry =
    (
      scopes: (item: Prepared) => string[],
      request: (key: string, item: Prepared) => [string, string, Buffer?, string?],
      effect: (key: string, item: Prepared, status: number) => Promise<boolean>,
    ): Perform =>
    async (mode, who, key, item) => {
      const [method, path, body, type] = request(key, item);
      const status = await call(
        await authorization(mode, who, scopes(item)),
        method,
        path,
        body,
        type,
      );
      return { status, effect: await effect(key, item, status) };
    };

  const PUSH = () => ['repository:team/app:pull,push'];
  const DELETE = () => ['repository:team/app:delete'];
  const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
  const mount = (from: keyof Prepared['mounts']): Perform =>
    registry(
      () => ['repository:team/app:pull,push', `repository:${from}:pull`],
      (_key, item) => [
        'POST',
        `/v2/team/app/blobs/uploads/?mount=${sha256(item.mounts[from])}&from=${from}`,
      ],
      (_key, item) => exists(`/v2/team/app/blobs/${sha256(item.mounts[from])}`),
    );

  const adminApi =
    (
      request: (key: string, item: Prepared) => [string, string, unknown?],
      effect: (key: string, item: Prepared) => Promise<boolean>,
    ): Perform =>
    async (mode, who, key, item) => {
      const [method, path, body] = request(key, item);
      const auth = await authorization(mode, who, []);
      const { status } = await api(env.url, method, path, auth, body);
      return { status, effect: await effect(key, item) };
    };

  const members = async (): Promise<{ user: string; role: string }[]> =>
    ((await adminGet('projects/team/members')) as { members: { user: string; role: string }[] })
      .members;
  const rules = async (): Promise<{ id: number; pattern: string }[]> =>
    (
      (await adminGet('projects/team/immutable-tags')) as {
        rules: { id: number; pattern: string }[];
      }
    ).rules;

  const PERFORM: Readonly<Record<Action, Perform>> = {
    pull: registry(
      () => ['repository:team/app:pull'],
      () => ['GET', '/v2/team/app/manifests/v1'],
      (_key, _item, status) => Promise.resolve(status === 200),
    ),
    'blob-push': async (mode, who) => {
      const data = randomBytes(64);
      const status = await call(
        await authorization(mode, who, PUSH()),
        'POST',
        `/v2/team/app/blobs/uploads/?digest=${sha256(data)}`,
        data,
      );
      return { status, effect: await exists(`/v2/team/app/blobs/${sha256(data)}`) };
    },
    'manifest-push-tag': registry(
      PUSH,
      (key, item) => ['PUT', `/v2/team/app/manifests/mt-${key}`, item.byTag.manifest, MANIFEST],
      (key) => exists(`/v2/team/app/manifests/mt-${key}`),
    ),
    'manifest-push-digest': registry(
      PUSH,
      (_key, item) => [
        'PUT',
        `/v2/team/app/manifests/${item.byDigest.digest}`,
        item.byDigest.manifest,
        MANIFEST,
      ],
      (_key, item) => exists(`/v2/team/app/manifests/${item.byDigest.digest}`),
    ),
    'blob-delete': registry(
      DELETE,
      (_key, item) => ['DELETE', `/v2/team/app/blobs/${sha256(item.blob)}`],
      async (_key, item) => !(await exists(`/v2/team/app/blobs/${sha256(item.blob)}`)),
    ),
    'manifest-delete': registry(
      DELETE,
      (_key, item) => ['DELETE', `/v2/team/app/manifests/${item.deleteDigest}`],
      async (_key, item) => !(await exists(`/v2/team/app/manifests/${item.deleteDigest}`)),
    ),
    'tag-delete': registry(
      DELETE,
      (key) => ['DELETE', `/v2/team/app/manifests/td-${key}`],
      async (key) => !(await exists(`/v2/team/app/manifests/td-${key}`)),
    ),
    'mount-same-project': mount('team/base'),
    'mount-from-public': mount('pub/base'),
    'mount-from-private': mount('other/base'),
    catalog: async (mode, who) => {
      const auth = await authorization(mode, who, ['registry:catalog:*']);
      const response = await fetch(`${env.url}/v2/_catalog`, {
        headers: auth ? { authorization: auth } : {},
      });
      const text = await response.text();
      const listed =
        response.status === 200
          ? (JSON.parse(text) as { repositories: string[] }).repositories
          : [];
      // Done means the whole catalog: every project's repositories, private ones included
      // (a signed-in caller without that gets 200 with part of it, see role-matrix-catalog.ts).
      return {
        status: response.status,
        effect: MATRIX_REPOSITORIES.every((name) => listed.includes(name)),
        listed,
      };
    },
    'project-settings': async (mode, who, key, item) => {
      const outcome = await adminApi(
        () => ['PATCH', 'projects/team', { anonymousPull: true }],
        async () => ((await adminGet('projects/team')) as { anonymousPull: boolean }).anonymousPull,
      )(mode, who, key, item);
      // Back to private, so the callers after this one meet the same project.
      expect(
        (await api(env.url, 'PATCH', 'projects/team', admin, { anonymousPull: false })).status,
      ).toBe(200);
      return outcome;
    },
    'tag-rule-create': adminApi(
      (key) => ['POST', 'projects/team/immutable-tags', { pattern: `${key}-*` }],
      async (key) => (await rules()).some((rule) => rule.pattern === `${key}-*`),
    ),
    'tag-rule-delete': adminApi(
      (_key, item) => ['DELETE', `projects/team/immutable-tags/${item.ruleId}`],
      async (_key, item) => !(await rules()).some((rule) => rule.id === item.ruleId),
    ),
    'member-add': adminApi(
      (key) => ['POST', 'projects/team/members', { user: `new-${key}`, role: 'guest' }],
      async (key) => (await members()).some((member) => member.user === `new-${key}`),
    ),
    'member-set': adminApi(
      (key) => ['PUT', `projects/team/members/new-${key}`, { role: 'developer' }],
      async (key) =>
        (await members()).some(
          (member) => member.user === `new-${key}` && member.role === 'developer',
        ),
    ),
    'robot-create': adminApi(
      (key) => ['POST', 'projects/team/robots', { name: `made-by-${key}`, actions: ['pull'] }],
      async (key) =>
        ((await adminGet('projects/team/robots')) as { robots: { name: string }[] }).robots.some(
          (robot) => robot.name === `robot$team+made-by-${key}`,
        ),
    ),
    'user-create': adminApi(
      (key) => ['POST', 'users', { name: `made-by-${key}`, password: 'another-password' }],
      async (key) => (await api(env.url, 'GET', `users/made-by-${key}`, admin)).status === 200,
    ),
  };

  return {
    prepare,
    async perform(mode: Mode, who: Who, action: Action): Promise<Outcome> {
      const key = `${mode}-${who}`;
      const item = prepared.get(key);
      if (!item) throw new Error(`nothing prepared for ${key}`);
      return PERFORM[action](mode, who, key, item);
    },
  };
}
