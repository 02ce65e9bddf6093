// Refused pushes and deletes in the audit log, over real HTTP with identities on: a manifest
// whose blobs are missing, an immutable tag moved or deleted, a blob that is not there; and
// successful deletes next to them. Each record names actor, action, target, source address and
// result, and none holds the credentials used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  api,
  basic,
  pushImage,
  randomImage,
  sha256,
  startIdentityServer,
  type IdentityTestServer,
} from '../identity/testing/identity-server.js';

interface AuditRecord {
  actor: string;
  action: string;
  targetType: string;
  repository?: string;
  target?: string;
  address?: string;
  result: string;
  details: Record<string, string | number>;
}

let env: IdentityTestServer;
const admin = basic('admin', ADMIN_PASSWORD);
const release = randomImage();
const scratch = randomImage();

beforeAll(async () => {
  env = await startIdentityServer();
  expect((await api(env.url, 'POST', 'projects', admin, { name: 'team' })).status).toBe(201);
  const rule = await api(env.url, 'POST', 'projects/team/immutable-tags', admin, {
    pattern: 'v*',
  });
  expect(rule.status).toBe(201);
  expect(await pushImage(env.url, 'team/app', 'v1', release, admin)).toBe(201);
  expect(await pushImage(env.url, 'team/app', 'scratch', scratch, admin)).toBe(201);
});
afterAll(async () => {
  await env.close();
});

async function registry(method: string, path: string, body?: Buffer): Promise<number> {
  const response = await fetch(`${env.url}/v2/${path}`, {
    method,
    headers: {
      authorization: admin,
      ...(body ? { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } : {}),
    },
    ...(body ? { body } : {}),
  });
  await response.arrayBuffer();
  return response.status;
}

async function audit(query: string): Promise<AuditRecord[]> {
  const response = await fetch(`${env.url}/api/v1/audit?${query}`, {
    headers: { authorization: admin },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { records: AuditRecord[] }).records;
}

describe('audit of refused pushes and deletes', () => {
  it('records a push refused for missing blobs and one refused by an immutable tag, as failures', async () => {
    const orphan = randomImage();
    expect(await registry('PUT', 'team/app/manifests/orphan', orphan.manifest)).toBe(400);
    expect(await registry('PUT', 'team/app/manifests/v1', scratch.manifest)).toBe(403);
    const pushes = await audit('action=push&repository=team/app');
    const missing = pushes.find((r) => r.details['tag'] === 'orphan');
    expect(missing).toMatchObject({
      actor: 'admin',
      action: 'push',
      targetType: 'manifest',
      repository: 'team/app',
      target: 'orphan',
      address: '127.0.0.1',
      result: 'failure',
      details: {
        code: 'MANIFEST_BLOB_UNKNOWN',
        reason: `manifest references ${sha256(orphan.blobs[0]!)}, which is not in repository team/app`,
      },
    });
    const immutable = pushes.filter((r) => r.details['tag'] === 'v1');
    expect(immutable.map((r) => r.result).sort()).toEqual(['failure', 'success']);
    expect(immutable.find((r) => r.result === 'failure')).toMatchObject({
      actor: 'admin',
      address: '127.0.0.1',
      details: {
        code: 'DENIED',
        reason: 'tag v1 of repository team/app is immutable (rule "v*"): it cannot be overwritten',
      },
    });
  });

  it('records a successful delete and refused deletes with actor, target, address and result', async () => {
    expect(await registry('DELETE', 'team/app/manifests/scratch')).toBe(202);
    expect(await registry('DELETE', 'team/app/manifests/v1')).toBe(403);
    const absent = sha256(Buffer.from('never pushed'));
    expect(await registry('DELETE', `team/app/blobs/${absent}`)).toBe(404);
    expect(await registry('DELETE', `team/app/manifests/${absent}`)).toBe(404);
    const deletes = await audit('action=delete&repository=team/app');
    const summary = deletes.map((r) => ({
      actor: r.actor,
      targetType: r.targetType,
      target: r.target,
      address: r.address,
      result: r.result,
      code: r.details['code'],
    }));
    expect(summary).toEqual(
      expect.arrayContaining([
        {
          actor: 'admin',
          targetType: 'tag',
          target: 'scratch',
          address: '127.0.0.1',
          result: 'success',
          code: undefined,
        },
        {
          actor: 'admin',
          targetType: 'tag',
          target: 'v1',
          address: '127.0.0.1',
          result: 'failure',
          code: 'DENIED',
        },
        {
          actor: 'admin',
          targetType: 'blob',
          target: absent,
          address: '127.0.0.1',
          result: 'failure',
          code: 'BLOB_UNKNOWN',
        },
        {
          actor: 'admin',
          targetType: 'manifest',
          target: absent,
          address: '127.0.0.1',
          result: 'failure',
          code: 'MANIFEST_UNKNOWN',
        },
      ]),
    );
    expect(deletes).toHaveLength(4);
    expect(deletes.find((r) => r.target === 'v1')?.details['reason']).toBe(
      'tag v1 of repository team/app is immutable (rule "v*"): it cannot be deleted',
    );
  });

  it('keeps the credentials used out of every record', async () => {
    const all = JSON.stringify(await audit('limit=1000'));
    expect(all).not.toContain(ADMIN_PASSWORD);
    expect(all).not.toContain(admin.slice('Basic '.length));
  });
});
