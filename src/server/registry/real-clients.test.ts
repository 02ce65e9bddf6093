// Real clients against `lockyard server` run as a child process: skopeo (containers/image) and
// podman push, pull, inspect, list and delete through the registry over plain HTTP on loopback.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WrittenImage } from '../../oci/index.js';
import { useTempDir } from '../../testing/index.js';
import { buildTestImage, podmanEnv, tool } from '../testing/client-tools.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';

const dir = useTempDir('lockyard-clients-');
let server: SpawnedServer;
let host: string;
let image: WrittenImage;
const tls = ['--dest-tls-verify=false'];

beforeAll(async () => {
  server = await spawnServer([
    '--data-dir',
    join(dir, 'data'),
    '--listen',
    '127.0.0.1:0',
    '--insecure-http',
  ]);
  host = new URL(server.url).host;
  image = await buildTestImage(join(dir, 'image'), 'v1', 'skopeo');
});
afterAll(async () => {
  await server.stop();
});

function blobDigests(layoutDir: string): string[] {
  const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  const manifestDigest = index.manifests[0]!.digest;
  const manifest = JSON.parse(
    readFileSync(join(layoutDir, 'blobs', 'sha256', manifestDigest.slice(7)), 'utf8'),
  ) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  return [manifestDigest, manifest.config.digest, ...manifest.layers.map((layer) => layer.digest)];
}

describe('skopeo', () => {
  it('copies an OCI layout in and inspects it with the digest we wrote', async () => {
    await tool('skopeo', [
      'copy',
      ...tls,
      `oci:${join(dir, 'image')}:v1`,
      `docker://${host}/lockyard/app:v1`,
    ]);
    const inspected = JSON.parse(
      (await tool('skopeo', ['inspect', '--tls-verify=false', `docker://${host}/lockyard/app:v1`]))
        .stdout,
    ) as {
      Digest: string;
      Layers: string[];
      Labels: Record<string, string>;
    };
    expect(inspected.Digest).toBe(image.manifest.digest);
    expect(inspected.Layers).toEqual(image.layers.map((layer) => layer.digest));
    expect(inspected.Labels).toEqual({ 'org.example.marker': 'skopeo' });
  });

  it('copies it back out byte for byte', async () => {
    await tool('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${host}/lockyard/app:v1`,
      `oci:${join(dir, 'out')}:v1`,
    ]);
    expect(blobDigests(join(dir, 'out'))).toEqual([
      image.manifest.digest,
      image.configDigest,
      ...image.layers.map((layer) => layer.digest),
    ]);
  });

  it('copies between repositories of the registry and lists tags', async () => {
    await tool('skopeo', [
      'copy',
      '--src-tls-verify=false',
      ...tls,
      `docker://${host}/lockyard/app:v1`,
      `docker://${host}/lockyard/copy:v2`,
    ]);
    await tool('skopeo', [
      'copy',
      '--src-tls-verify=false',
      ...tls,
      `docker://${host}/lockyard/app:v1`,
      `docker://${host}/lockyard/app:latest`,
    ]);
    const tags = JSON.parse(
      (await tool('skopeo', ['list-tags', '--tls-verify=false', `docker://${host}/lockyard/app`]))
        .stdout,
    ) as { Tags: string[] };
    expect(tags.Tags).toEqual(['latest', 'v1']);
    const raw = (
      await tool('skopeo', [
        'inspect',
        '--raw',
        '--tls-verify=false',
        `docker://${host}/lockyard/copy:v2`,
      ])
    ).stdout;
    expect(raw).toBe(
      readFileSync(join(dir, 'image', 'blobs', 'sha256', image.manifest.digest.slice(7)), 'utf8'),
    );
  });

  it('deletes an image; inspecting it then fails with manifest unknown', async () => {
    await tool('skopeo', ['delete', '--tls-verify=false', `docker://${host}/lockyard/copy:v2`]);
    await expect(
      tool('skopeo', ['inspect', '--tls-verify=false', `docker://${host}/lockyard/copy:v2`]),
    ).rejects.toThrow(/manifest unknown/i);
    // Deleting by digest removed the manifest, not the other repository's copy.
    await tool('skopeo', ['inspect', '--tls-verify=false', `docker://${host}/lockyard/app:v1`]);
  });
});

describe('podman', () => {
  let env: Record<string, string>;
  beforeAll(() => {
    env = podmanEnv(join(dir, 'podman'), host);
  });
  afterAll(async () => {
    await tool('podman', ['system', 'reset', '--force'], env).catch(() => undefined);
  });

  it('pulls what skopeo pushed, pushes it under a new name, and pulls that back', async () => {
    await tool('podman', ['pull', `${host}/lockyard/app:v1`], env);
    const id = (
      await tool(
        'podman',
        ['image', 'inspect', '--format', '{{.Id}}', `${host}/lockyard/app:v1`],
        env,
      )
    ).stdout.trim();
    expect(`sha256:${id}`).toBe(image.configDigest);
    await tool('podman', ['tag', `${host}/lockyard/app:v1`, `${host}/team/podman-pushed:v3`], env);
    await tool('podman', ['push', `${host}/team/podman-pushed:v3`], env);
    await tool('podman', ['rmi', '--all', '--force'], env);
    await tool('podman', ['pull', `${host}/team/podman-pushed:v3`], env);
    const labels = (
      await tool(
        'podman',
        ['image', 'inspect', '--format', '{{json .Labels}}', `${host}/team/podman-pushed:v3`],
        env,
      )
    ).stdout;
    expect(JSON.parse(labels)).toEqual({ 'org.example.marker': 'skopeo' });
    const catalog = (await (await fetch(`${server.url}/v2/_catalog`)).json()) as {
      repositories: string[];
    };
    expect(catalog.repositories).toEqual(['lockyard/app', 'lockyard/copy', 'team/podman-pushed']);
  });
});
