// pushArtifact / pullArtifact / listReferrers against CNCF Distribution (`docker-registry` 2.8,
// plain HTTP, no referrers API, no single-request POST), through a recording proxy so the tests
// see the requests on the wire. skopeo is the independent client that reads what we wrote.
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { sha256 } from '../digest.js';
import { MediaType } from '../media-types.js';
import { referrersTag } from '../sources/registry/referrers.js';
import { measureRss, sha256sum, writeRandomFile } from '../testing/artifacts.js';
import { startDistribution, type RunningRegistry } from '../testing/distribution.js';
import { startProxy, type RunningProxy } from '../testing/http-proxy.js';
import { TITLE_ANNOTATION } from './artifact-input.js';
import { EMPTY_DESCRIPTOR } from './artifact-manifest.js';
import { listReferrers } from './list-referrers.js';
import { pullArtifact } from './pull-artifact.js';
import { pushArtifact } from './push-artifact.js';

const dir = useTempDir('lockyard-artifact-distribution-');
const DB_TYPE = 'application/vnd.lockyard.db.v1';
const BIG = 136 * 1024 * 1024 + 7;
const CHUNK = 8 * 1024 * 1024;
let registry: RunningRegistry;
let proxy: RunningProxy;
let host: string;
let files: { big: string; schema: string; notes: string };
let dbDigest: string;

function options(extra: object = {}) {
  return {
    insecureHosts: [host, registry.host],
    retries: { attempts: 2, baseDelayMs: 10 },
    ...extra,
  };
}

function skopeo(args: readonly string[]): string {
  return execFileSync('skopeo', ['--insecure-policy', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Requests the proxy saw since `from`, as `METHOD path-without-query` lines. */
function wire(from: number): {
  method: string;
  path: string;
  query: string;
  contentRange: string | undefined;
  contentLength: number;
}[] {
  return proxy.requests.slice(from).map((request) => {
    const [path = '', query = ''] = request.path.split('?');
    return {
      method: request.method,
      path,
      query,
      contentRange: request.contentRange,
      contentLength: Number(request.contentLength ?? 0),
    };
  });
}

beforeAll(async () => {
  registry = await startDistribution(join(dir, 'registry'));
  proxy = await startProxy(registry.host);
  host = proxy.host;
  await mkdir(join(dir, 'files'));
  files = {
    big: join(dir, 'files', 'db.sqlite'),
    schema: join(dir, 'files', 'schema.json'),
    notes: join(dir, 'files', 'NOTES.md'),
  };
  await writeRandomFile(files.big, BIG);
  await writeFile(files.schema, JSON.stringify({ schema: 2, tables: ['advisories', 'affected'] }));
  await writeFile(files.notes, '# Lockyard DB\n\nBuilt for the push test.\n');
});

afterAll(async () => {
  await proxy.close();
  await registry.stop();
});

describe('pushArtifact and pullArtifact against CNCF Distribution', () => {
  it('pushes a multi-file artifact, the large file in chunks with flat memory, and pulls it back byte-identical', async () => {
    const start = proxy.requests.length;
    const outcomes: string[] = [];
    const pushed = await measureRss(() =>
      pushArtifact(
        `${host}/lockyard/db:2`,
        {
          artifactType: DB_TYPE,
          files: [
            {
              path: files.big,
              mediaType: 'application/vnd.lockyard.db.layer.v1+sqlite',
              annotations: { 'org.lockyard.db.schema': '2' },
            },
            { path: files.schema, mediaType: 'application/json' },
            { path: files.notes, mediaType: 'text/markdown' },
            {
              bytes: Buffer.from('built 2024-05-01\n'),
              name: 'metadata.txt',
              mediaType: 'text/plain',
            },
          ],
          annotations: { 'org.opencontainers.image.created': '2024-05-01T00:00:00Z' },
        },
        {
          ...options(),
          onBlob: (event) => outcomes.push(`${event.name ?? 'config'} ${event.outcome}`),
        },
      ),
    );
    dbDigest = pushed.result;
    expect(outcomes).toEqual([
      'config uploaded',
      'db.sqlite uploaded',
      'schema.json uploaded',
      'NOTES.md uploaded',
      'metadata.txt uploaded',
    ]);
    // The large file went as PATCH chunks of 8 MiB with contiguous Content-Range, then an empty PUT.
    const big = await sha256sum(files.big);
    const requests = wire(start);
    const patches = requests.filter((request) => request.method === 'PATCH');
    expect(patches.map((request) => request.contentRange)).toEqual(
      Array.from(
        { length: Math.ceil(BIG / CHUNK) },
        (_, index) => `${index * CHUNK}-${Math.min((index + 1) * CHUNK, BIG) - 1}`,
      ),
    );
    // Distribution 2.8 answers the single-request `POST ?digest=` with a session (202): tried on the
    // 2-byte config, completed with a PUT, and not tried again.
    const posts = requests.filter((request) => request.method === 'POST');
    expect(posts.map((request) => request.query)).toEqual([
      `digest=${encodeURIComponent(EMPTY_DESCRIPTOR.digest)}`,
      '',
      '',
      '',
      '',
    ]);
    const close = requests.find(
      (request) => request.method === 'PUT' && request.query.includes(encodeURIComponent(big)),
    );
    expect(close?.contentLength).toBe(0);
    expect(Math.max(...requests.map((request) => request.contentLength))).toBeLessThanOrEqual(
      CHUNK,
    );
    // Streamed from the file: memory stays well under the 136 MiB blob. GC slack is ~35 MiB
    // whatever the size, more when the machine is busy with other test files (once over 64 MiB),
    // so the bound is what a whole-blob buffer could not stay under, not the usual figure.
    if (process.env['LOCKYARD_MEASURE'] === '1')
      console.log(`push RSS ${pushed.baselineMiB} -> ${pushed.peakMiB} MiB`);
    expect(pushed.peakMiB - pushed.baselineMiB).toBeLessThan(100);

    const into = join(dir, 'pulled');
    const pulled = await measureRss(() =>
      pullArtifact(`${registry.host}/lockyard/db:2`, options(), { into }),
    );
    if (process.env['LOCKYARD_MEASURE'] === '1')
      console.log(`pull RSS ${pulled.baselineMiB} -> ${pulled.peakMiB} MiB`);
    expect(pulled.peakMiB - pulled.baselineMiB).toBeLessThan(100);
    expect(pulled.result.digest).toBe(dbDigest);
    expect(pulled.result.artifactType).toBe(DB_TYPE);
    expect((await readdir(into)).sort()).toEqual([
      'NOTES.md',
      'db.sqlite',
      'metadata.txt',
      'schema.json',
    ]);
    expect(await sha256sum(join(into, 'db.sqlite'))).toBe(big);
    expect(await readFile(join(into, 'schema.json'), 'utf8')).toBe(
      await readFile(files.schema, 'utf8'),
    );
    expect(await readFile(join(into, 'metadata.txt'), 'utf8')).toBe('built 2024-05-01\n');
    expect(
      pulled.result.files.map((file) => [
        file.title,
        file.descriptor.annotations?.['org.lockyard.db.schema'],
      ]),
    ).toEqual([
      ['db.sqlite', '2'],
      ['schema.json', undefined],
      ['NOTES.md', undefined],
      ['metadata.txt', undefined],
    ]);
  });

  it('writes a manifest skopeo reads: raw bytes with our digest, an artifact it will not treat as an image, and a copy with identical blobs', async () => {
    const raw = join(dir, 'raw.json');
    await writeFile(
      raw,
      skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/lockyard/db:2`]),
    );
    expect(await sha256sum(raw)).toBe(dbDigest);
    const manifest = JSON.parse(await readFile(raw, 'utf8')) as {
      artifactType: string;
      config: unknown;
      layers: { digest: string; annotations: Record<string, string> }[];
    };
    expect(manifest.artifactType).toBe(DB_TYPE);
    expect(manifest.config).toEqual(EMPTY_DESCRIPTOR);
    expect(manifest.layers.map((layer) => layer.annotations[TITLE_ANNOTATION])).toEqual([
      'db.sqlite',
      'schema.json',
      'NOTES.md',
      'metadata.txt',
    ]);
    expect(() =>
      skopeo(['inspect', '--tls-verify=false', `docker://${registry.host}/lockyard/db:2`]),
    ).toThrow(
      /unsupported image-specific operation on artifact with type .*application\/vnd\.oci\.empty\.v1\+json/,
    );

    // skopeo copies it into an OCI layout: same manifest digest, every blob file hashes to its name.
    const layout = join(dir, 'layout');
    skopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${registry.host}/lockyard/db:2`,
      `oci:${layout}:2`,
    ]);
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    expect(index.manifests.map((entry) => entry.digest)).toEqual([dbDigest]);
    for (const layer of manifest.layers)
      expect(await sha256sum(join(layout, 'blobs', 'sha256', layer.digest.slice(7)))).toBe(
        layer.digest,
      );

    // And what skopeo pushes back from that layout, we pull.
    skopeo([
      'copy',
      '--dest-tls-verify=false',
      `oci:${layout}:2`,
      `docker://${registry.host}/mirror/db:2`,
    ]);
    const back = await pullArtifact(`${registry.host}/mirror/db:2`, options(), {
      into: join(dir, 'mirror'),
    });
    expect(back.digest).toBe(dbDigest);
    expect(await sha256sum(join(dir, 'mirror', 'db.sqlite'))).toBe(await sha256sum(files.big));
  });

  it('pushing again sends no blob: HEAD finds each, then the manifest is PUT again', async () => {
    const start = proxy.requests.length;
    const outcomes: string[] = [];
    const again = await pushArtifact(
      `${host}/lockyard/db:2`,
      {
        artifactType: DB_TYPE,
        files: [
          {
            path: files.big,
            mediaType: 'application/vnd.lockyard.db.layer.v1+sqlite',
            annotations: { 'org.lockyard.db.schema': '2' },
          },
          { path: files.schema, mediaType: 'application/json' },
          { path: files.notes, mediaType: 'text/markdown' },
          {
            bytes: Buffer.from('built 2024-05-01\n'),
            name: 'metadata.txt',
            mediaType: 'text/plain',
          },
        ],
        annotations: { 'org.opencontainers.image.created': '2024-05-01T00:00:00Z' },
      },
      { ...options(), onBlob: (event) => outcomes.push(event.outcome) },
    );
    expect(again).toBe(dbDigest);
    expect(outcomes).toEqual(['exists', 'exists', 'exists', 'exists', 'exists']);
    const requests = wire(start);
    expect(requests.map((request) => request.method)).toEqual([
      'HEAD',
      'HEAD',
      'HEAD',
      'HEAD',
      'HEAD',
      'PUT',
    ]);
    expect(requests.at(-1)?.path).toBe('/v2/lockyard/db/manifests/2');
  });

  it('mounts blobs from another repository instead of uploading them, and uploads into the fallback session when it cannot', async () => {
    const start = proxy.requests.length;
    const outcomes: string[] = [];
    const schemaOnly = {
      artifactType: DB_TYPE,
      files: [
        { path: files.schema, mediaType: 'application/json' },
        { bytes: Buffer.from('only here'), name: 'new.txt', mediaType: 'text/plain' },
      ],
    };
    // A full reference on the same registry names the repository too.
    await pushArtifact(`${host}/team/db:2`, schemaOnly, {
      ...options(),
      mountFrom: `${host}/lockyard/db`,
      onBlob: (event) => outcomes.push(`${event.name ?? 'config'} ${event.outcome}`),
    });
    expect(outcomes).toEqual(['config mounted', 'schema.json mounted', 'new.txt uploaded']);
    const requests = wire(start);
    const posts = requests.filter((request) => request.method === 'POST');
    expect(posts.map((request) => request.query)).toEqual([
      `mount=${encodeURIComponent(EMPTY_DESCRIPTOR.digest)}&from=lockyard%2Fdb`,
      `mount=${encodeURIComponent(await sha256sum(files.schema))}&from=lockyard%2Fdb`,
      `mount=${encodeURIComponent(sha256('only here'))}&from=lockyard%2Fdb`,
    ]);
    // The blob the source does not have went into the session the failed mount opened.
    expect(
      requests.filter((request) => request.method === 'PUT').map((request) => request.path),
    ).toEqual([
      expect.stringMatching(/^\/v2\/team\/db\/blobs\/uploads\/[\w-]+$/),
      '/v2/team/db/manifests/2',
    ]);
    const pulled = await pullArtifact(`${host}/team/db:2`, options());
    expect(pulled.files.map((file) => file.bytes?.toString('utf8'))).toEqual([
      await readFile(files.schema, 'utf8'),
      'only here',
    ]);
  });

  it('pushes referrers with a subject and finds them through the referrers tag schema (no referrers API here)', async () => {
    const signature = await pushArtifact(
      `${host}/lockyard/db:2-sig`,
      {
        artifactType: 'application/vnd.lockyard.signature.v1+json',
        files: [{ bytes: Buffer.from('{"sig":"abc"}'), mediaType: 'application/json' }],
        subject: dbDigest,
        annotations: { 'org.lockyard.signer': 'ci' },
      },
      options(),
    );
    // The subject can be given by tag too.
    const sbom = await pushArtifact(
      `${host}/lockyard/db:2-sbom`,
      {
        artifactType: 'application/spdx+json',
        files: [{ bytes: Buffer.from('{}'), mediaType: 'application/spdx+json' }],
        subject: '2',
      },
      options(),
    );
    const all = await listReferrers(`${host}/lockyard/db`, dbDigest, undefined, options());
    expect(all).toEqual([
      {
        mediaType: MediaType.ociManifest,
        digest: signature,
        size: expect.any(Number) as number,
        artifactType: 'application/vnd.lockyard.signature.v1+json',
        annotations: { 'org.lockyard.signer': 'ci' },
      },
      {
        mediaType: MediaType.ociManifest,
        digest: sbom,
        size: expect.any(Number) as number,
        artifactType: 'application/spdx+json',
      },
    ]);
    expect(
      (
        await listReferrers(`${host}/lockyard/db:2`, undefined, 'application/spdx+json', options())
      ).map((entry) => entry.digest),
    ).toEqual([sbom]);
    // The index lives under the tag the spec derives from the digest; skopeo sees an image index there.
    const tagged = JSON.parse(
      skopeo([
        'inspect',
        '--raw',
        '--tls-verify=false',
        `docker://${registry.host}/lockyard/db:${referrersTag(dbDigest)}`,
      ]),
    ) as { mediaType: string; manifests: { digest: string }[] };
    expect(tagged.mediaType).toBe(MediaType.ociIndex);
    expect(tagged.manifests.map((entry) => entry.digest)).toEqual([signature, sbom]);
    // Pushing a referrer again does not list it twice; a manifest nobody refers to has none.
    await pushArtifact(
      `${host}/lockyard/db:2-sig`,
      {
        artifactType: 'application/vnd.lockyard.signature.v1+json',
        files: [{ bytes: Buffer.from('{"sig":"abc"}'), mediaType: 'application/json' }],
        subject: dbDigest,
        annotations: { 'org.lockyard.signer': 'ci' },
      },
      options(),
    );
    expect(await listReferrers(`${host}/lockyard/db`, dbDigest, undefined, options())).toHaveLength(
      2,
    );
    expect(await listReferrers(`${host}/lockyard/db`, signature, undefined, options())).toEqual([]);
  });
});
