// pushArtifact / pullArtifact / listReferrers against `lockyard server` run as a user runs it (the
// built CLI, a child process, plain HTTP on loopback): a registry with single-request uploads,
// strict Content-Range checks, resumable sessions and the referrers API. A recording proxy in
// front shows the requests; skopeo reads what we wrote.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { ImageError } from '../errors.js';
import { MediaType } from '../media-types.js';
import { referrersTag } from '../sources/registry/referrers.js';
import {
  measureRss,
  sha256sum,
  startLockyardServer,
  writeRandomFile,
  type LockyardServer,
} from '../testing/artifacts.js';
import { startProxy, type RunningProxy } from '../testing/http-proxy.js';
import type { PushArtifactOptions } from './artifact-input.js';
import { EMPTY_DESCRIPTOR } from './artifact-manifest.js';
import { listReferrers } from './list-referrers.js';
import { pullArtifact } from './pull-artifact.js';
import { pushArtifact } from './push-artifact.js';

const dir = useTempDir('lockyard-artifact-server-');
const MiB = 1024 * 1024;
const BIG = 72 * MiB + 7;
const DB_TYPE = 'application/vnd.lockyard.db.v1';
const ADMIN_PASSWORD = 'admin-password-for-push';
let server: LockyardServer;
let secured: LockyardServer;
let proxy: RunningProxy;
let host: string;
let big: string;
let dbDigest: string;

function options(extra: PushArtifactOptions = {}): PushArtifactOptions {
  return {
    insecureHosts: [host, server.host, secured.host],
    dockerConfigPath: join(dir, 'no-config.json'),
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

beforeAll(async () => {
  [server, secured] = await Promise.all([
    startLockyardServer(join(dir, 'data')),
    startLockyardServer(join(dir, 'secured'), { LOCKYARD_ADMIN_PASSWORD: ADMIN_PASSWORD }),
  ]);
  proxy = await startProxy(server.host);
  host = proxy.host;
  big = join(dir, 'vuln.db');
  await writeRandomFile(big, BIG);
});

afterAll(async () => {
  await proxy.close();
  await Promise.all([server.stop(), secured.stop()]);
});

describe('pushArtifact and pullArtifact against lockyard server', () => {
  it('pushes small blobs in one request and the 72 MiB file in chunks with flat memory; pulls it back byte-identical', async () => {
    const start = proxy.requests.length;
    const pushed = await measureRss(() =>
      pushArtifact(
        `${host}/lockyard/db:2`,
        {
          artifactType: DB_TYPE,
          files: [
            { path: big, mediaType: 'application/vnd.lockyard.db.layer.v1+sqlite' },
            {
              bytes: Buffer.from('{"schema":2}'),
              name: 'metadata.json',
              mediaType: 'application/json',
            },
          ],
        },
        options(),
      ),
    );
    dbDigest = pushed.result;
    if (process.env['LOCKYARD_MEASURE'] === '1')
      console.log(`push RSS ${pushed.baselineMiB} -> ${pushed.peakMiB} MiB`);
    expect(pushed.peakMiB - pushed.baselineMiB).toBeLessThan(64);
    const requests = proxy.requests
      .slice(start)
      .map((request) =>
        `${request.method} ${request.path.replace(/\?.*/, '')} ${request.contentRange ?? ''}`.trim(),
      );
    const bigDigest = await sha256sum(big);
    // Single-request POSTs (201) for the config and the small file: no session, no PUT for them.
    expect(requests.filter((line) => !line.startsWith('PATCH'))).toEqual([
      `HEAD /v2/lockyard/db/blobs/${EMPTY_DESCRIPTOR.digest}`,
      'POST /v2/lockyard/db/blobs/uploads/',
      `HEAD /v2/lockyard/db/blobs/${bigDigest}`,
      'POST /v2/lockyard/db/blobs/uploads/',
      expect.stringMatching(/^PUT \/v2\/lockyard\/db\/blobs\/uploads\/[\w-]+$/),
      expect.stringMatching(/^HEAD \/v2\/lockyard\/db\/blobs\/sha256:/),
      'POST /v2/lockyard/db/blobs/uploads/',
      'PUT /v2/lockyard/db/manifests/2',
    ]);
    expect(requests.filter((line) => line.startsWith('PATCH'))).toHaveLength(
      Math.ceil(BIG / (8 * MiB)),
    );

    const into = join(dir, 'pulled');
    const pulled = await measureRss(() =>
      pullArtifact(`${server.host}/lockyard/db:2`, options(), { into }),
    );
    if (process.env['LOCKYARD_MEASURE'] === '1')
      console.log(`pull RSS ${pulled.baselineMiB} -> ${pulled.peakMiB} MiB`);
    expect(pulled.peakMiB - pulled.baselineMiB).toBeLessThan(64);
    expect(pulled.result.digest).toBe(dbDigest);
    expect((await readdir(into)).sort()).toEqual(['metadata.json', 'vuln.db']);
    expect(await sha256sum(join(into, 'vuln.db'))).toBe(bigDigest);
    expect(await readFile(join(into, 'metadata.json'), 'utf8')).toBe('{"schema":2}');
  });

  it('skopeo reads the manifest we wrote byte for byte', async () => {
    const raw = join(dir, 'raw.json');
    await writeFile(
      raw,
      skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${server.host}/lockyard/db:2`]),
    );
    expect(await sha256sum(raw)).toBe(dbDigest);
    skopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${server.host}/lockyard/db:2`,
      `oci:${join(dir, 'layout')}:2`,
    ]);
    const index = JSON.parse(await readFile(join(dir, 'layout', 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    expect(index.manifests.map((entry) => entry.digest)).toEqual([dbDigest]);
  });

  it('finds referrers through the referrers API (the registry answers OCI-Subject, so no referrers tag is written)', async () => {
    const start = proxy.requests.length;
    const signature = await pushArtifact(
      `${host}/lockyard/db:2-sig`,
      {
        artifactType: 'application/vnd.lockyard.signature.v1+json',
        files: [{ bytes: Buffer.from('{"sig":1}'), mediaType: 'application/json' }],
        subject: dbDigest,
        annotations: { 'org.lockyard.key': 'k1' },
      },
      options(),
    );
    const sbom = await pushArtifact(
      `${host}/lockyard/db:2-sbom`,
      {
        artifactType: 'application/spdx+json',
        files: [{ bytes: Buffer.from('{}'), mediaType: 'application/spdx+json' }],
        subject: `${host}/lockyard/db:2`,
      },
      options(),
    );
    expect(
      proxy.requests.slice(start).some((request) => request.path.includes(referrersTag(dbDigest))),
    ).toBe(false);
    const all = await listReferrers(`${host}/lockyard/db`, dbDigest, undefined, options());
    expect(all.map((entry) => entry.digest).sort()).toEqual([signature, sbom].sort());
    expect(all.find((entry) => entry.digest === signature)).toEqual({
      mediaType: MediaType.ociManifest,
      digest: signature,
      size: expect.any(Number) as number,
      artifactType: 'application/vnd.lockyard.signature.v1+json',
      annotations: { 'org.lockyard.key': 'k1' },
    });
    const before = proxy.requests.length;
    expect(
      (
        await listReferrers(`${host}/lockyard/db:2`, undefined, 'application/spdx+json', options())
      ).map((entry) => entry.digest),
    ).toEqual([sbom]);
    expect(proxy.requests.slice(before).map((request) => request.path)).toContain(
      `/v2/lockyard/db/referrers/${dbDigest}?artifactType=application%2Fspdx%2Bjson`,
    );
  });

  it('mounts every blob from the repository that has them', async () => {
    const outcomes: string[] = [];
    await pushArtifact(
      `${host}/mirror/db:2`,
      {
        artifactType: DB_TYPE,
        files: [
          { path: big, mediaType: 'application/vnd.lockyard.db.layer.v1+sqlite' },
          {
            bytes: Buffer.from('{"schema":2}'),
            name: 'metadata.json',
            mediaType: 'application/json',
          },
        ],
      },
      options({
        mountFrom: ['elsewhere/none', 'lockyard/db'],
        onBlob: (event) => outcomes.push(event.outcome),
      }),
    );
    expect(outcomes).toEqual(['mounted', 'mounted', 'mounted']);
    expect(
      (await pullArtifact(`${host}/mirror/db:2`, options(), { into: join(dir, 'mirror') })).digest,
    ).toBe(dbDigest);
  });

  it('a chunk cut midway is resumed in the same session from the Range the registry reports', async () => {
    let patches = 0;
    const cutting = await startProxy(server.host, (request, response, forward) => {
      forward(
        request,
        response,
        request.method === 'PATCH' && ++patches === 2 ? { cutRequestAfter: MiB / 3 } : {},
      );
    });
    try {
      const file = join(dir, 'resume.bin');
      await writeRandomFile(file, 3 * MiB + 11);
      await pushArtifact(
        `${cutting.host}/resume/db:v1`,
        { artifactType: DB_TYPE, files: [{ path: file, mediaType: 'application/octet-stream' }] },
        options({ chunkSize: MiB, insecureHosts: [cutting.host] }),
      );
      const lines = cutting.requests
        .filter((request) => request.path.includes('/uploads/') && request.method !== 'POST')
        .map((request) => `${request.method} ${request.contentRange ?? ''}`.trim());
      expect(lines).toEqual([
        'PATCH 0-1048575',
        'PATCH 1048576-2097151',
        'GET',
        'PATCH 1048576-2097151',
        'PATCH 2097152-3145727',
        'PATCH 3145728-3145738',
        'PUT',
      ]);
      const pulled = await pullArtifact(`${server.host}/resume/db:v1`, options(), {
        into: join(dir, 'resumed'),
      });
      expect(await sha256sum(pulled.files[0]?.path ?? '')).toBe(await sha256sum(file));
    } finally {
      await cutting.close();
    }
  });
});

describe('lockyard server with authentication on (token auth of its own)', () => {
  it('pushes with the administrator credentials; a wrong password and anonymous pushes are refused in one line', async () => {
    const target = `${secured.host}/lockyard/signed:v1`;
    const artifact = {
      artifactType: DB_TYPE,
      files: [{ bytes: Buffer.from('payload'), mediaType: 'text/plain' }],
    };
    const digest = await pushArtifact(
      target,
      artifact,
      options({ username: 'admin', password: ADMIN_PASSWORD }),
    );
    expect(
      (await pullArtifact(target, options({ username: 'admin', password: ADMIN_PASSWORD }))).digest,
    ).toBe(digest);
    for (const [credentials, code, ending] of [
      [
        { username: 'admin', password: 'not-the-password' },
        'UNAUTHORIZED',
        'refused the credentials given (401); check them',
      ],
      [{}, 'UNAUTHORIZED', 'log in with --username and --password-stdin (or docker login)'],
    ] as const) {
      const error = await pushArtifact(
        `${secured.host}/lockyard/signed:v2`,
        artifact,
        options(credentials),
      ).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ImageError);
      expect((error as ImageError).code).toBe(code);
      expect((error as ImageError).message).toContain(ending);
      expect((error as ImageError).message).not.toContain(ADMIN_PASSWORD);
    }
  });
});
