// A port of the OCI distribution-spec conformance suite (conformance/03_discovery_test.go and
// 04_management_test.go in opencontainers/distribution-spec, v1.1 workflows, ginkgo v2 edition,
// teardowns included: referrers, manifests, config and layer blobs deleted) to vitest, plus the
// manifest kinds the suite leaves to registries (image index, Docker schema 2 and manifest list).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceData, registryClient } from '../testing/conformance-data.js';
import {
  digestOf,
  errorCodes,
  startTestRegistry,
  type TestRegistry,
} from '../testing/test-registry.js';

const data = conformanceData();
const name = 'conformance/discovery';
let registry: TestRegistry;
let client: ReturnType<typeof registryClient>;
const tags = ['latest', 'v1', 'v2', 'v3', 'v10'];

beforeAll(async () => {
  registry = await startTestRegistry();
  client = registryClient(registry.url);
  for (const blob of [data.config, data.layerA, data.layerB, data.emptyConfig])
    await client.pushBlob(name, blob.data);
  for (const tag of tags)
    expect((await client.pushManifest(name, tag, data.manifest)).status).toBe(201);
});
afterAll(async () => {
  await registry.close();
});

describe('conformance content discovery: tags', () => {
  it('lists every tag in lexical order', async () => {
    const response = await client.call('GET', `/v2/${name}/tags/list`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name, tags: [...tags].sort() });
  });

  it('limits the list with n, links to the next page, and starts after last', async () => {
    const first = await client.call('GET', `/v2/${name}/tags/list?n=2`);
    expect(await first.json()).toEqual({ name, tags: ['latest', 'v1'] });
    const link = first.headers.get('link');
    expect(link).toBe(`</v2/${name}/tags/list?n=2&last=v1>; rel="next"`);
    const nextPath = /^<(?<path>[^>]+)>/.exec(link!)?.groups?.['path'];
    const second = await client.call('GET', nextPath!);
    expect(await second.json()).toEqual({ name, tags: ['v10', 'v2'] });
    const last = await client.call('GET', `/v2/${name}/tags/list?n=2&last=v2`);
    expect(await last.json()).toEqual({ name, tags: ['v3'] });
    expect(last.headers.get('link')).toBeNull();
    expect(await (await client.call('GET', `/v2/${name}/tags/list?n=0`)).json()).toEqual({
      name,
      tags: [],
    });
  });

  it('answers 404 NAME_UNKNOWN for the tags of an unknown repository, 400 for a bad n', async () => {
    const unknown = await client.call('GET', '/v2/no/such/repo/tags/list');
    expect(unknown.status).toBe(404);
    expect(errorCodes(await unknown.text())).toEqual(['NAME_UNKNOWN']);
    expect((await client.call('GET', `/v2/${name}/tags/list?n=-1`)).status).toBe(400);
  });

  it('pages the catalog the same way', async () => {
    await client.pushBlob('another/repo', data.config.data);
    const page = await client.call('GET', '/v2/_catalog?n=1');
    expect(await page.json()).toEqual({ repositories: ['another/repo'] });
    expect(page.headers.get('link')).toBe('</v2/_catalog?n=1&last=another%2Frepo>; rel="next"');
    expect(await (await client.call('GET', '/v2/_catalog?n=1&last=another%2Frepo')).json()).toEqual(
      { repositories: [name] },
    );
  });
});

describe('conformance content discovery: referrers', () => {
  beforeAll(async () => {
    for (const referrer of [data.referrerA, data.referrerB])
      expect((await client.pushManifest(name, digestOf(referrer), referrer)).status).toBe(201);
  });

  it('lists the referrers of a manifest as an image index with artifactType and annotations', async () => {
    const response = await client.call('GET', `/v2/${name}/referrers/${data.manifestDigest}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    const index = (await response.json()) as {
      manifests: {
        digest: string;
        artifactType: string;
        size: number;
        annotations: Record<string, string>;
      }[];
    };
    const byType = Object.fromEntries(index.manifests.map((entry) => [entry.artifactType, entry]));
    expect(Object.keys(byType).sort()).toEqual([
      'application/vnd.example.sbom',
      'application/vnd.example.signature',
    ]);
    expect(byType['application/vnd.example.signature']).toMatchObject({
      digest: digestOf(data.referrerA),
      size: data.referrerA.length,
      annotations: { 'org.opencontainers.image.description': 'signature' },
    });
  });

  it('filters by artifactType and says so in OCI-Filters-Applied', async () => {
    const response = await client.call(
      'GET',
      `/v2/${name}/referrers/${data.manifestDigest}?artifactType=application/vnd.example.sbom`,
    );
    expect(response.headers.get('oci-filters-applied')).toBe('artifactType');
    const index = (await response.json()) as { manifests: { digest: string }[] };
    expect(index.manifests.map((entry) => entry.digest)).toEqual([digestOf(data.referrerB)]);
  });

  it('lists the referrers of a subject that was never pushed (the suite\'s "missing manifest")', async () => {
    const missing = digestOf('a manifest nobody pushed');
    const artifact = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.example.orphan',
        config: {
          mediaType: 'application/vnd.oci.empty.v1+json',
          digest: data.emptyConfig.digest,
          size: data.emptyConfig.data.length,
        },
        layers: [],
        subject: {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: missing,
          size: 123,
        },
      }),
    );
    const put = await client.pushManifest(name, digestOf(artifact), artifact);
    expect(put.status).toBe(201);
    expect(put.headers.get('oci-subject')).toBe(missing);
    const response = await client.call('GET', `/v2/${name}/referrers/${missing}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.oci.image.index.v1+json');
    const index = (await response.json()) as {
      manifests: { digest: string; artifactType: string }[];
    };
    expect(index.manifests).toEqual([
      expect.objectContaining({
        digest: digestOf(artifact),
        artifactType: 'application/vnd.example.orphan',
      }),
    ]);
    expect(
      (await client.call('DELETE', `/v2/${name}/manifests/${digestOf(artifact)}`)).status,
    ).toBe(202);
    expect(
      (
        (await (await client.call('GET', `/v2/${name}/referrers/${missing}`)).json()) as {
          manifests: unknown[];
        }
      ).manifests,
    ).toEqual([]);
  });

  it('answers an empty index (never 404) for a subject without referrers, 400 for a bad digest', async () => {
    const empty = await client.call('GET', `/v2/${name}/referrers/${digestOf('nothing')}`);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [],
    });
    expect((await client.call('GET', `/v2/${name}/referrers/sha256:123`)).status).toBe(400);
  });
});

describe('manifest kinds and reference checks', () => {
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: data.manifestDigest,
          size: data.manifest.length,
          platform: { os: 'linux', architecture: 'amd64' },
        },
      ],
    }),
  );

  it('stores an image index whose children exist, and refuses one whose children do not', async () => {
    expect(
      (await client.pushManifest(name, 'multi', index, 'application/vnd.oci.image.index.v1+json'))
        .status,
    ).toBe(201);
    const dangling = Buffer.from(
      index.toString().replace(data.manifestDigest, digestOf('missing child')),
    );
    const refused = await client.pushManifest(
      name,
      'dangling',
      dangling,
      'application/vnd.oci.image.index.v1+json',
    );
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      errors: [
        {
          code: 'MANIFEST_BLOB_UNKNOWN',
          message: `manifest references ${digestOf('missing child')}, which is not in repository ${name}`,
          detail: { digest: digestOf('missing child') },
        },
      ],
    });
    expect((await client.call('GET', `/v2/${name}/manifests/dangling`)).status).toBe(404);
  });

  it('refuses a manifest whose blobs are not in the repository, one error per blob', async () => {
    const response = await client.pushManifest('fresh/repo', 'v1', data.manifest);
    expect(response.status).toBe(400);
    expect(errorCodes(await response.text())).toEqual([
      'MANIFEST_BLOB_UNKNOWN',
      'MANIFEST_BLOB_UNKNOWN',
      'MANIFEST_BLOB_UNKNOWN',
    ]);
    expect((await client.call('GET', '/v2/fresh/repo/tags/list')).status).toBe(404);
  });

  it('stores Docker schema 2 manifests and manifest lists with their media types', async () => {
    const docker = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          digest: data.config.digest,
          size: data.config.data.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
            digest: data.layerA.digest,
            size: data.layerA.data.length,
          },
        ],
      }),
    );
    expect(
      (
        await client.pushManifest(
          name,
          'docker',
          docker,
          'application/vnd.docker.distribution.manifest.v2+json',
        )
      ).status,
    ).toBe(201);
    const list = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
        manifests: [
          {
            mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
            digest: digestOf(docker),
            size: docker.length,
            platform: { os: 'linux', architecture: 'amd64' },
          },
        ],
      }),
    );
    expect(
      (
        await client.pushManifest(
          name,
          'dockerlist',
          list,
          'application/vnd.docker.distribution.manifest.list.v2+json',
        )
      ).status,
    ).toBe(201);
    const get = await client.call('GET', `/v2/${name}/manifests/dockerlist`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.list.v2+json' },
    });
    expect(get.headers.get('content-type')).toBe(
      'application/vnd.docker.distribution.manifest.list.v2+json',
    );
    expect(Buffer.from(await get.arrayBuffer())).toEqual(list);
  });
});

describe('conformance content management', () => {
  it('DELETE of a tag removes only the tag', async () => {
    expect((await client.call('DELETE', `/v2/${name}/manifests/v3`)).status).toBe(202);
    expect((await client.call('GET', `/v2/${name}/manifests/v3`)).status).toBe(404);
    expect((await client.call('GET', `/v2/${name}/manifests/${data.manifestDigest}`)).status).toBe(
      200,
    );
  });

  it('DELETE of a manifest by digest removes it and its tags; a second DELETE is 404', async () => {
    await client.call('DELETE', `/v2/${name}/manifests/multi`);
    expect(
      (await client.call('DELETE', `/v2/${name}/manifests/${data.manifestDigest}`)).status,
    ).toBe(202);
    expect((await client.call('GET', `/v2/${name}/manifests/${data.manifestDigest}`)).status).toBe(
      404,
    );
    expect((await client.call('GET', `/v2/${name}/manifests/latest`)).status).toBe(404);
    const again = await client.call('DELETE', `/v2/${name}/manifests/${data.manifestDigest}`);
    expect(again.status).toBe(404);
    expect(errorCodes(await again.text())).toEqual(['MANIFEST_UNKNOWN']);
  });

  it('the tag list reflects the deletions (200, fewer tags)', async () => {
    const response = await client.call('GET', `/v2/${name}/tags/list`);
    expect(response.status).toBe(200);
    const { tags: left } = (await response.json()) as { tags: string[] };
    // The manifest's five tags went with it; the Docker ones pushed above stay.
    expect(left).toEqual(['docker', 'dockerlist']);
  });

  it('DELETE of the referrers by digest is 202, then 404; the subject lists none', async () => {
    for (const referrer of [data.referrerA, data.referrerB]) {
      expect(
        (await client.call('DELETE', `/v2/${name}/manifests/${digestOf(referrer)}`)).status,
      ).toBe(202);
      const again = await client.call('DELETE', `/v2/${name}/manifests/${digestOf(referrer)}`);
      expect(again.status).toBe(404);
      expect(errorCodes(await again.text())).toEqual(['MANIFEST_UNKNOWN']);
    }
    const index = (await (
      await client.call('GET', `/v2/${name}/referrers/${data.manifestDigest}`)
    ).json()) as { manifests: unknown[] };
    expect(index.manifests).toEqual([]);
  });

  it('DELETE of the config blob is 202 and a GET of it is then 404', async () => {
    expect((await client.call('DELETE', `/v2/${name}/blobs/${data.config.digest}`)).status).toBe(
      202,
    );
    const get = await client.call('GET', `/v2/${name}/blobs/${data.config.digest}`);
    expect(get.status).toBe(404);
    expect(errorCodes(await get.text())).toEqual(['BLOB_UNKNOWN']);
    // The empty JSON blob the referrers used as config and layer goes the same way.
    expect(
      (await client.call('DELETE', `/v2/${name}/blobs/${data.emptyConfig.digest}`)).status,
    ).toBe(202);
    expect((await client.call('HEAD', `/v2/${name}/blobs/${data.emptyConfig.digest}`)).status).toBe(
      404,
    );
  });

  it('DELETE of a blob removes it from the repository; a second DELETE is 404', async () => {
    expect((await client.call('DELETE', `/v2/${name}/blobs/${data.layerB.digest}`)).status).toBe(
      202,
    );
    expect((await client.call('GET', `/v2/${name}/blobs/${data.layerB.digest}`)).status).toBe(404);
    expect((await client.call('DELETE', `/v2/${name}/blobs/${data.layerB.digest}`)).status).toBe(
      404,
    );
  });
});
