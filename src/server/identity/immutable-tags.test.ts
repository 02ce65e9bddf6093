// Immutable-tag rules over the distribution API: a matching tag cannot be moved to other content
// or deleted, nor can the manifest it points to; the same content may be pushed again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  pushBlob,
  pushImage,
  randomImage,
  startIdentityServer,
  type IdentityTestServer,
} from './testing/identity-server.js';

let env: IdentityTestServer;
const admin = basic('admin', ADMIN_PASSWORD);
const release = randomImage();
const other = randomImage();
let ruleId = 0;

async function call(method: string, path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${env.url}${path}`, { method, headers: { authorization: admin } });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

beforeAll(async () => {
  env = await startIdentityServer();
  await api(env.url, 'POST', 'projects', admin, { name: 'team' });
  await api(env.url, 'POST', 'projects', admin, { name: 'other' });
  expect(await pushImage(env.url, 'team/app', 'v1.0', release, admin)).toBe(201);
  expect(await pushImage(env.url, 'team/app', 'latest', release, admin)).toBe(201);
  const rule = await api(env.url, 'POST', 'projects/team/immutable-tags', admin, { pattern: 'v*' });
  expect(rule.status).toBe(201);
  ruleId = (rule.body as { id: number }).id;
});
afterAll(async () => {
  await env.close();
});

describe('immutable tags', () => {
  it('refuses moving a matching tag to other content with DENIED naming the tag and rule', async () => {
    for (const blob of other.blobs)
      expect(await pushBlob(env.url, 'team/app', blob, admin)).toBe(201);
    const response = await fetch(`${env.url}/v2/team/app/manifests/v1.0`, {
      method: 'PUT',
      headers: {
        authorization: admin,
        'content-type': 'application/vnd.oci.image.manifest.v1+json',
      },
      body: other.manifest,
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      errors: [
        {
          code: 'DENIED',
          message:
            'tag v1.0 of repository team/app is immutable (rule "v*"): it cannot be overwritten',
          detail: { repository: 'team/app', tag: 'v1.0', rule: 'v*' },
        },
      ],
    });
    const head = await fetch(`${env.url}/v2/team/app/manifests/v1.0`, {
      method: 'HEAD',
      headers: { authorization: admin },
    });
    expect(head.headers.get('docker-content-digest')).toBe(release.digest);
  });

  it('accepts the same content again under the tag, and new matching tags', async () => {
    expect(await pushImage(env.url, 'team/app', 'v1.0', release, admin)).toBe(201);
    expect(await pushImage(env.url, 'team/app', 'v2.0', other, admin)).toBe(201);
  });

  it('leaves tags that match no rule, and other projects, mutable', async () => {
    expect(await pushImage(env.url, 'team/app', 'latest', other, admin)).toBe(201);
    expect(await pushImage(env.url, 'other/app', 'v1.0', release, admin)).toBe(201);
    expect(await pushImage(env.url, 'other/app', 'v1.0', other, admin)).toBe(201);
  });

  it('refuses deleting a matching tag, or the manifest it points to', async () => {
    const tag = await call('DELETE', '/v2/team/app/manifests/v1.0');
    expect(tag.status).toBe(403);
    expect((tag.body as { errors: { message: string }[] }).errors[0]?.message).toBe(
      'tag v1.0 of repository team/app is immutable (rule "v*"): it cannot be deleted',
    );
    const manifest = await call('DELETE', `/v2/team/app/manifests/${release.digest}`);
    expect(manifest.status).toBe(403);
    expect((manifest.body as { errors: { message: string }[] }).errors[0]?.message).toBe(
      'tag v1.0 of repository team/app is immutable (rule "v*"): it cannot be deleted (nor the manifest it points to)',
    );
    expect((await call('DELETE', '/v2/team/app/manifests/latest')).status).toBe(202);
  });

  it('lets go once the rule is removed', async () => {
    expect((await api(env.url, 'GET', 'projects/team/immutable-tags', admin)).body).toMatchObject({
      rules: [{ id: ruleId, pattern: 'v*', createdBy: 'admin' }],
    });
    expect(
      (await api(env.url, 'DELETE', `projects/team/immutable-tags/${ruleId}`, admin)).status,
    ).toBe(204);
    expect(await pushImage(env.url, 'team/app', 'v1.0', other, admin)).toBe(201);
    expect((await call('DELETE', '/v2/team/app/manifests/v1.0')).status).toBe(202);
    expect(
      (await api(env.url, 'DELETE', `projects/team/immutable-tags/${ruleId}`, admin)).status,
    ).toBe(404);
  });
});
