// What goes wrong during a push or pull, against CNCF Distribution behind fault-injecting proxies:
// files that change while read, lying registries, size limits, broken and refused chunks, bad
// input. Each ends in one typed line naming registry, repository and blob, and leaves nothing
// half-done (no tag, no blob, no file).
import { closeSync, openSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { ImageError } from '../errors.js';
import { sha256 } from '../digest.js';
import { sha256sum, writeRandomFile } from '../testing/artifacts.js';
import { startDistribution, type RunningRegistry } from '../testing/distribution.js';
import { startProxy, type Intercept, type RunningProxy } from '../testing/http-proxy.js';
import type { ArtifactInput, PushArtifactOptions } from './artifact-input.js';
import { pushArtifact } from './push-artifact.js';

const dir = useTempDir('lockyard-artifact-faults-');
const MiB = 1024 * 1024;
const TYPE = 'application/vnd.lockyard.test.v1';
let registry: RunningRegistry;
const proxies: RunningProxy[] = [];

async function proxy(intercept?: Intercept): Promise<RunningProxy> {
  const started = await startProxy(registry.host, intercept);
  proxies.push(started);
  return started;
}

function push(
  host: string,
  repository: string,
  artifact: ArtifactInput,
  extra: PushArtifactOptions = {},
): Promise<string> {
  return pushArtifact(`${host}/${repository}`, artifact, {
    insecureHosts: [host],
    retries: { attempts: 2, baseDelayMs: 10 },
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageError);
  expect((error as Error).message).not.toContain('\n');
  return error as ImageError;
}

/** What the registry itself answers, asked directly (not through our client). */
async function status(path: string, method = 'HEAD'): Promise<number> {
  const response = await fetch(`http://${registry.host}/v2/${path}`, { method });
  await response.arrayBuffer();
  return response.status;
}

async function randomFile(name: string, size: number): Promise<{ path: string; digest: string }> {
  const path = join(dir, name);
  await writeRandomFile(path, size);
  return { path, digest: await sha256sum(path) };
}

/** Overwrites bytes of a file in place (as another process writing to it would). */
function scribble(path: string, position: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.from('changed by someone else'), 0, 23, position);
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  registry = await startDistribution(join(dir, 'registry'));
});

afterAll(async () => {
  for (const started of proxies) await started.close();
  await registry.stop();
});

describe('files that change while they are pushed', () => {
  it('a file written to during a chunked upload: CONTENT_CHANGED, the session cancelled, nothing tagged', async () => {
    const file = await randomFile('changing.bin', 5 * MiB);
    const recorder = await proxy();
    let changed = false;
    const error = await failure(
      push(
        recorder.host,
        'changes/chunked:v1',
        { artifactType: TYPE, files: [{ path: file.path, mediaType: 'application/octet-stream' }] },
        {
          chunkSize: MiB,
          onProgress: (event) => {
            if (!changed && event.digest === file.digest && event.bytes > 1.5 * MiB) {
              changed = true;
              scribble(file.path, 4 * MiB);
            }
          },
        },
      ),
    );
    expect(error.code).toBe('CONTENT_CHANGED');
    expect(error.message).toBe(
      `${recorder.host}/changes/chunked:v1: file ${file.path} changed while it was being pushed (it no longer hashes to ${file.digest}); nothing was published, push it again once nothing writes to it`,
    );
    expect(recorder.requests.filter((request) => request.method === 'PATCH')).toHaveLength(5);
    expect(recorder.requests.at(-1)?.method).toBe('DELETE');
    expect(await status(`changes/chunked/blobs/${file.digest}`)).toBe(404);
    expect(await status('changes/chunked/manifests/v1')).toBe(404);
  });

  it('a file cut short during an upload: the body fails before it is short, CONTENT_CHANGED', async () => {
    const file = await randomFile('shrinking.bin', 4 * MiB);
    let cut = false;
    const error = await failure(
      push(
        registry.host,
        'changes/truncated:v1',
        { artifactType: TYPE, files: [{ path: file.path, mediaType: 'application/octet-stream' }] },
        {
          chunkSize: MiB,
          onProgress: (event) => {
            if (!cut && event.digest === file.digest && event.bytes > 1.2 * MiB) {
              cut = true;
              truncateSync(file.path, 2 * MiB + 100);
            }
          },
        },
      ),
    );
    expect(error.code).toBe('CONTENT_CHANGED');
    expect(error.message).toBe(
      `file ${file.path} changed while it was being pushed (it now ends at byte ${2 * MiB + 100}, not ${3 * MiB}); push it again once nothing writes to it`,
    );
    expect(await status('changes/truncated/manifests/v1')).toBe(404);
  });

  it('a file written to during a one-request upload: the registry refuses the digest, and we say why', async () => {
    const file = await randomFile('monolithic.bin', 3 * MiB);
    let changed = false;
    const error = await failure(
      push(
        registry.host,
        'changes/whole:v1',
        { artifactType: TYPE, files: [{ path: file.path, mediaType: 'application/octet-stream' }] },
        {
          chunkSize: 4 * MiB,
          onProgress: (event) => {
            if (!changed && event.digest === file.digest && event.bytes > MiB) {
              changed = true;
              scribble(file.path, 2.5 * MiB);
            }
          },
        },
      ),
    );
    expect(error.code).toBe('CONTENT_CHANGED');
    expect(await status(`changes/whole/blobs/${file.digest}`)).toBe(404);
  });
});

describe('registries that refuse or lie', () => {
  it('a manifest digest answered differently from what we sent is DIGEST_MISMATCH', async () => {
    const liar = await proxy((request, response, forward) => {
      forward(request, response, {
        answerHeaders: (headers) =>
          request.method === 'PUT' && request.url?.includes('/manifests/')
            ? { ...headers, 'docker-content-digest': `sha256:${'0'.repeat(64)}` }
            : headers,
      });
    });
    const error = await failure(
      push(liar.host, 'liar/db:v1', {
        artifactType: TYPE,
        files: [{ bytes: Buffer.from('payload'), mediaType: 'text/plain' }],
      }),
    );
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toMatch(
      new RegExp(
        `^${liar.host}/liar/db:v1: registry ${liar.host} stored manifest for tag "v1" in ${liar.host}/liar/db as sha256:0{64}, not sha256:[a-f0-9]{64}$`,
      ),
    );
  });

  it('a blob digest answered differently on completion is DIGEST_MISMATCH naming the blob', async () => {
    const liar = await proxy((request, response, forward) => {
      forward(request, response, {
        answerHeaders: (headers, code) =>
          code === 201 && request.url?.includes('/blobs/uploads/')
            ? { ...headers, 'docker-content-digest': `sha256:${'1'.repeat(64)}` }
            : headers,
      });
    });
    const error = await failure(
      push(liar.host, 'liar/blob:v1', {
        artifactType: TYPE,
        files: [{ bytes: Buffer.from('payload 2'), mediaType: 'text/plain' }],
      }),
    );
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toContain(`registry ${liar.host} stored blob sha256:`);
    expect(error.message).toContain(`in ${liar.host}/liar/blob as sha256:${'1'.repeat(64)}`);
  });

  it('413 from a size-limited front end is TOO_LARGE with what to change; a smaller chunk size then gets through', async () => {
    const limited = await proxy((request, response, forward) => {
      if (Number(request.headers['content-length'] ?? 0) > MiB) {
        // As nginx with client_max_body_size 1m: refuse the body, answer HTML.
        request.resume();
        request.once('end', () => {
          response
            .writeHead(413, { 'content-type': 'text/html' })
            .end('<html><body>413 Request Entity Too Large</body></html>');
        });
        return;
      }
      forward(request, response);
    });
    const file = await randomFile('large-for-proxy.bin', 3 * MiB);
    const artifact = {
      artifactType: TYPE,
      files: [{ path: file.path, mediaType: 'application/octet-stream' }],
    };
    const error = await failure(push(limited.host, 'limited/db:v1', artifact));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toBe(
      `${limited.host}/limited/db:v1: registry ${limited.host} refused blob ${file.digest} for ${limited.host}/limited/db as too large (413 Payload Too Large); the request carried ${3 * MiB} bytes; push with a smaller chunk size`,
    );
    const chunked = await push(limited.host, 'limited/db:v1', artifact, { chunkSize: MiB / 2 });
    expect(chunked).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(
      limited.requests
        .filter((request) => request.method === 'PATCH')
        .map((request) => request.contentLength),
    ).toEqual(['524288', '524288', '524288', '524288', '524288', '524288']);
  });

  it("honours the registry's OCI-Chunk-Min-Length over a smaller chunk size", async () => {
    const minimum = await proxy((request, response, forward) => {
      forward(request, response, {
        answerHeaders: (headers, code) =>
          request.method === 'POST' && code === 202
            ? { ...headers, 'oci-chunk-min-length': String(3 * MiB) }
            : headers,
      });
    });
    const file = await randomFile('min-chunk.bin', 7 * MiB);
    await push(
      minimum.host,
      'minimum/db:v1',
      { artifactType: TYPE, files: [{ path: file.path, mediaType: 'application/octet-stream' }] },
      { chunkSize: MiB },
    );
    expect(
      minimum.requests
        .filter((request) => request.method === 'PATCH')
        .map((request) => request.contentRange),
    ).toEqual([`0-${3 * MiB - 1}`, `${3 * MiB}-${6 * MiB - 1}`, `${6 * MiB}-${7 * MiB - 1}`]);
  });

  it('403 DENIED and 404 NAME_UNKNOWN on the upload (as Harbor answers them) are one line with what to do', async () => {
    const answers: Record<string, [number, string]> = {
      denied: [403, 'DENIED: requested access to the resource is denied'],
      unknown: [404, 'NAME_UNKNOWN: repository name not known to registry'],
    };
    const guarded = await proxy((request, response, forward) => {
      const which = /^\/v2\/(?<name>denied|unknown)\/db\/blobs\/uploads\//.exec(request.url ?? '')
        ?.groups?.['name'];
      const answer = which === undefined ? undefined : answers[which];
      if (request.method !== 'POST' || !answer) {
        forward(request, response);
        return;
      }
      const [code, text] = answer;
      const [errorCode, message] = text.split(': ');
      request.resume();
      request.once('end', () =>
        response
          .writeHead(code, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errors: [{ code: errorCode, message }] })),
      );
    });
    const artifact = {
      artifactType: TYPE,
      files: [{ bytes: Buffer.from('x'), mediaType: 'text/plain' }],
    };
    const denied = await failure(push(guarded.host, 'denied/db:v1', artifact));
    expect(denied.code).toBe('DENIED');
    expect(denied.message).toBe(
      `${guarded.host}/denied/db:v1: registry ${guarded.host} denied access to ${guarded.host}/denied/db (403 Forbidden) [DENIED: requested access to the resource is denied]; the account used may not push to it (another can be given with --username and --password-stdin)`,
    );
    const unknown = await failure(push(guarded.host, 'unknown/db:v1', artifact));
    expect(unknown.code).toBe('NAME_UNKNOWN');
    expect(unknown.message).toBe(
      `${guarded.host}/unknown/db:v1: repository ${guarded.host}/unknown/db is not known to the registry (404) [NAME_UNKNOWN: repository name not known to registry]; check the name, or create the repository (or its project) first`,
    );
  });

  it('a front end that answers 405 to the single-request POST gets the POST-then-PUT form', async () => {
    const strict = await proxy((request, response, forward) => {
      if (request.method === 'POST' && request.url?.includes('digest=')) {
        request.resume();
        request.once('end', () => response.writeHead(405).end());
        return;
      }
      forward(request, response);
    });
    await push(strict.host, 'strict/db:v1', {
      artifactType: TYPE,
      files: [{ bytes: Buffer.from('small'), mediaType: 'text/plain' }],
    });
    expect(
      strict.requests.map((request) =>
        `${request.method} ${request.path.includes('digest=') ? 'digest' : ''}`.trim(),
      ),
    ).toEqual(['HEAD', 'POST digest', 'POST', 'PUT digest', 'HEAD', 'POST', 'PUT digest', 'PUT']);
    expect(await status(`strict/db/blobs/${sha256('small')}`)).toBe(200);
  });

  it('a chunk answered 502 is resent from the offset the session reports', async () => {
    let patches = 0;
    const flaky = await proxy((request, response, forward) => {
      if (request.method === 'PATCH' && ++patches === 2) {
        request.resume();
        request.once('end', () => response.writeHead(502).end());
        return;
      }
      forward(request, response);
    });
    const file = await randomFile('flaky.bin', 3 * MiB);
    await push(
      flaky.host,
      'flaky/db:v1',
      { artifactType: TYPE, files: [{ path: file.path, mediaType: 'application/octet-stream' }] },
      { chunkSize: MiB },
    );
    const seen = flaky.requests.filter(
      (request) =>
        request.method === 'PATCH' ||
        (request.method === 'GET' && request.path.includes('/uploads/')),
    );
    expect(seen.map((request) => `${request.method} ${request.contentRange ?? ''}`)).toEqual([
      `PATCH 0-${MiB - 1}`,
      `PATCH ${MiB}-${2 * MiB - 1}`,
      'GET ',
      `PATCH ${MiB}-${2 * MiB - 1}`,
      `PATCH ${2 * MiB}-${3 * MiB - 1}`,
    ]);
    expect(await status(`flaky/db/blobs/${file.digest}`)).toBe(200);
  });

  it('a chunk whose connection breaks midway: the upload goes on from what the registry holds, and the blob is whole', async () => {
    let patches = 0;
    const breaking = await proxy((request, response, forward) => {
      forward(
        request,
        response,
        request.method === 'PATCH' && ++patches === 2 ? { cutRequestAfter: MiB / 2 } : {},
      );
    });
    const file = await randomFile('breaking.bin', 3 * MiB);
    await push(
      breaking.host,
      'breaking/db:v1',
      { artifactType: TYPE, files: [{ path: file.path, mediaType: 'application/octet-stream' }] },
      { chunkSize: MiB },
    );
    // The client asked the session where it stood; Distribution either resumes it or (when its
    // file holds more than its state token says) cancels it, and the upload starts over.
    expect(
      breaking.requests.some(
        (request) => request.method === 'GET' && request.path.includes('/blobs/uploads/'),
      ),
    ).toBe(true);
    expect(await status(`breaking/db/blobs/${file.digest}`)).toBe(200);
    const stored = await fetch(`http://${registry.host}/v2/breaking/db/blobs/${file.digest}`);
    expect(sha256(Buffer.from(await stored.arrayBuffer()))).toBe(file.digest);
  });
});

describe('bad input is refused before anything is sent', () => {
  it('names the bad field, the missing file, the clashing names, the wrong digest', async () => {
    const host = registry.host;
    const cases: [ArtifactInput, string, RegExp | string][] = [
      [
        { artifactType: 'not a type', files: [] },
        'ARTIFACT_INVALID',
        `${host}/bad/db:v1: artifactType: not a media type (type/subtype, RFC 6838)`,
      ],
      [
        { artifactType: TYPE, files: [{ bytes: Buffer.from('x'), mediaType: 'text' }] },
        'ARTIFACT_INVALID',
        `${host}/bad/db:v1: files.0.mediaType: not a media type (type/subtype, RFC 6838)`,
      ],
      [
        {
          artifactType: TYPE,
          files: [{ bytes: Buffer.from('x'), path: '/etc/hostname', mediaType: 'text/plain' }],
        },
        'ARTIFACT_INVALID',
        `${host}/bad/db:v1: files.0: give exactly one of path and bytes`,
      ],
      [
        {
          artifactType: TYPE,
          files: [{ path: join(dir, 'missing.bin'), mediaType: 'text/plain' }],
        },
        'ARTIFACT_INVALID',
        `cannot read file ${join(dir, 'missing.bin')} to push (ENOENT)`,
      ],
      [
        { artifactType: TYPE, files: [{ path: dir, mediaType: 'text/plain' }] },
        'ARTIFACT_INVALID',
        `${dir} is not a regular file; only files can be pushed as blobs`,
      ],
      [
        {
          artifactType: TYPE,
          files: [
            { bytes: Buffer.from('a'), name: 'same', mediaType: 'text/plain' },
            { bytes: Buffer.from('b'), name: 'same', mediaType: 'text/plain' },
          ],
        },
        'ARTIFACT_INVALID',
        `${host}/bad/db:v1: files.0 and files.1 are both named "same"`,
      ],
    ];
    for (const [input, code, message] of cases) {
      const error = await failure(push(host, 'bad/db:v1', input));
      expect(error.code).toBe(code);
      if (typeof message === 'string') expect(error.message).toBe(message);
      else expect(error.message).toMatch(message);
    }
    const wrong = await failure(
      push(host, `bad/db:v1@${sha256('something else')}`, { artifactType: TYPE, files: [] }),
    );
    expect(wrong.code).toBe('ARTIFACT_INVALID');
    expect(wrong.message).toMatch(
      /the artifact's manifest would be sha256:[a-f0-9]{64}, not the digest the reference names; nothing was pushed$/,
    );
    expect(await status('bad/db/manifests/v1')).toBe(404);
  });

  it('an artifact without files has the empty descriptor as its one layer, pushed by digest', async () => {
    const first = await push(registry.host, 'empty/db:v1', { artifactType: TYPE, files: [] });
    const again = await push(registry.host, `empty/db@${first}`, { artifactType: TYPE, files: [] });
    expect(again).toBe(first);
    const manifest = JSON.parse(
      await (
        await fetch(`http://${registry.host}/v2/empty/db/manifests/${first}`, {
          headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
        })
      ).text(),
    ) as {
      layers: unknown[];
    };
    expect(manifest.layers).toEqual([
      {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: sha256('{}'),
        size: 2,
        data: Buffer.from('{}').toString('base64'),
      },
    ]);
  });
});
