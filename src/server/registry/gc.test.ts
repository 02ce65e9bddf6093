import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobPath } from '../../store/index.js';
import { repoRoot } from '../../testing/index.js';
import { conformanceData, registryClient } from '../testing/conformance-data.js';
import { pushRandomImage } from '../testing/push-traffic.js';
import { spawnServer } from '../testing/spawn-server.js';
import { digestOf, startTestRegistry, type TestRegistry } from '../testing/test-registry.js';
import { collectGarbage } from './gc.js';

const silent = pino({ level: 'silent' });

describe('registry gc', () => {
  const data = conformanceData();
  let registry: TestRegistry;
  let client: ReturnType<typeof registryClient>;
  let root: string;
  const orphan = Buffer.from('uploaded, never referenced');
  const onlyB = Buffer.from('layer only image B uses');
  const manifestB = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: data.config.digest,
        size: data.config.data.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          digest: digestOf(onlyB),
          size: onlyB.length,
        },
      ],
    }),
  );
  const referrerOfB = Buffer.from(
    data.referrerA.toString().replaceAll(data.manifestDigest, digestOf(manifestB)),
  );
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: digestOf(data.emptyLayerManifest),
          size: data.emptyLayerManifest.length,
        },
      ],
    }),
  );

  beforeAll(async () => {
    registry = await startTestRegistry();
    client = registryClient(registry.url);
    root = join(registry.dataDir, 'registry');
    for (const blob of [
      data.config.data,
      data.layerA.data,
      data.layerB.data,
      data.emptyConfig.data,
      orphan,
      onlyB,
    ])
      await client.pushBlob('gc/app', blob);
    expect((await client.pushManifest('gc/app', 'a', data.manifest)).status).toBe(201);
    expect(
      (await client.pushManifest('gc/app', digestOf(data.referrerA), data.referrerA)).status,
    ).toBe(201);
    expect((await client.pushManifest('gc/app', 'b', manifestB)).status).toBe(201);
    expect((await client.pushManifest('gc/app', digestOf(referrerOfB), referrerOfB)).status).toBe(
      201,
    );
    expect(
      (
        await client.pushManifest(
          'gc/app',
          digestOf(data.emptyLayerManifest),
          data.emptyLayerManifest,
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await client.pushManifest(
          'gc/app',
          'multi',
          index,
          'application/vnd.oci.image.index.v1+json',
        )
      ).status,
    ).toBe(201);
    expect((await client.call('DELETE', '/v2/gc/app/manifests/b')).status).toBe(202);
  });
  afterAll(async () => {
    await registry.close();
  });

  const storedBlob = (content: Buffer): boolean =>
    existsSync(blobPath(join(root, 'storage'), digestOf(content)));

  it('a dry run counts without deleting; a grace period protects recent content', async () => {
    const dry = await collectGarbage(root, { dryRun: true, gracePeriodMs: 0, logger: silent });
    expect(dry).toMatchObject({
      dryRun: true,
      manifestsDeleted: 2,
      blobsDeleted: 2,
      bytesFreed: orphan.length + onlyB.length,
    });
    expect(storedBlob(orphan)).toBe(true);
    expect(storedBlob(onlyB)).toBe(true);
    const recent = await collectGarbage(root, {
      dryRun: false,
      gracePeriodMs: 3_600_000,
      logger: silent,
    });
    expect(recent).toMatchObject({ manifestsDeleted: 0, blobsDeleted: 0 });
    expect(storedBlob(orphan)).toBe(true);
  });

  it('sweeps untagged manifests, the referrers they orphan, and blobs nothing references', async () => {
    const report = await collectGarbage(root, { dryRun: false, gracePeriodMs: 0, logger: silent });
    // manifest B, then its referrer (its subject is gone); the index's child and A's referrer stay.
    expect(report).toMatchObject({
      manifestsDeleted: 2,
      blobsDeleted: 2,
      bytesFreed: orphan.length + onlyB.length,
    });
    expect(storedBlob(orphan)).toBe(false);
    expect(storedBlob(onlyB)).toBe(false);
    for (const blob of [data.config, data.layerA, data.layerB])
      expect((await client.call('GET', `/v2/gc/app/blobs/${blob.digest}`)).status).toBe(200);
    for (const reference of [
      'a',
      'multi',
      digestOf(data.emptyLayerManifest),
      digestOf(data.referrerA),
    ]) {
      expect((await client.call('GET', `/v2/gc/app/manifests/${reference}`)).status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await client.call('GET', `/v2/gc/app/manifests/${digestOf(referrerOfB)}`)).status).toBe(
      404,
    );
  });

  it('is safe while pushes continue: no push fails, no manifest loses a blob', async () => {
    const pushes: Promise<string>[] = [];
    const deadline = Date.now() + 3000;
    let runs = 0;
    const pusher = async (worker: number): Promise<string> => {
      for (let n = 0; Date.now() < deadline; n += 1)
        await pushRandomImage(
          registry.url,
          `gc/busy${worker}`,
          `t${n}`,
          [200_000, 50_000],
          worker === 0,
        );
      return 'done';
    };
    pushes.push(pusher(0), pusher(1));
    while (Date.now() < deadline) {
      await collectGarbage(root, { dryRun: false, gracePeriodMs: 2000, logger: silent });
      runs += 1;
    }
    expect(await Promise.all(pushes)).toEqual(['done', 'done']);
    expect(runs).toBeGreaterThan(1);
    for (const worker of [0, 1]) {
      const { tags } = (await (
        await client.call('GET', `/v2/gc/busy${worker}/tags/list`)
      ).json()) as { tags: string[] };
      expect(tags.length).toBeGreaterThan(0);
      for (const tag of tags) {
        const manifest = (await (
          await client.call('GET', `/v2/gc/busy${worker}/manifests/${tag}`)
        ).json()) as { layers: { digest: string }[] };
        for (const layer of manifest.layers)
          expect(
            (await client.call('HEAD', `/v2/gc/busy${worker}/blobs/${layer.digest}`)).status,
          ).toBe(200);
      }
    }
  });
});

describe('lockyard registry gc (CLI, next to a running server)', () => {
  it('reports a dry run, deletes for real, and the running server stops serving what went', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dataDir = mkdtempSync(join(tmpdir(), 'lockyard-gc-cli-'));
    const server = await spawnServer([
      '--data-dir',
      dataDir,
      '--listen',
      '127.0.0.1:0',
      '--insecure-http',
    ]);
    try {
      const digest = await pushRandomImage(server.url, 'cli/app', 'old', [4096], false);
      expect((await fetch(`${server.url}/v2/cli/app/manifests/${digest}`)).status).toBe(200);
      expect(
        (await fetch(`${server.url}/v2/cli/app/manifests/old`, { method: 'DELETE' })).status,
      ).toBe(202);
      const entry = process.env['LOCKYARD_TEST_CLI'] ?? join(repoRoot, 'bin', 'lockyard.js');
      const gc = (...args: string[]) =>
        spawnSync(process.execPath, [entry, 'registry', 'gc', '--data-dir', dataDir, ...args], {
          encoding: 'utf8',
        });
      const dry = gc('--dry-run', '--grace-period', '0s');
      expect(dry.status).toBe(0);
      expect(dry.stdout).toBe(
        'registry gc: would delete 1 manifests, 2 blobs (0.0 MB), 0 uploads, 0 temp files\n',
      );
      expect((await fetch(`${server.url}/v2/cli/app/manifests/${digest}`)).status).toBe(200);
      const real = gc('--grace-period', '0s');
      expect(real.stdout).toMatch(/^registry gc: deleted 1 manifests, 2 blobs/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await fetch(`${server.url}/v2/cli/app/manifests/${digest}`)).status).toBe(404);
      const bad = gc('--grace-period', 'soon');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe(
        'lockyard: error: --grace-period: invalid duration "soon" (e.g. 90s, 15m, 36h, 7d, 2w)\n',
      );
    } finally {
      await server.stop();
    }
  });
});
