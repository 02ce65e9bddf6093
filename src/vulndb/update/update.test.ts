import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTlsFiles, sharedFixture, useTempDir } from '../../testing/index.js';
import { deferExtraCaCertificates } from '../../trust/index.js';
import { openVulnDb } from '../db/reader.js';
import { parseFeedSpec, readFeedsFile } from './feeds.js';
import { feedFiles } from './fetch-feed.js';
import { updateVulnDb, type UpdateOptions } from './update.js';

interface Served {
  body: Buffer;
  status?: number;
  md5?: string;
}

/** A feed server on 127.0.0.1 with ETag / Last-Modified and 304 answers, like a CDN. */
function feedServer(
  files: Map<string, Served>,
  tls?: { cert: Buffer; key: Buffer },
): {
  server: Server;
  requests: { path: string; conditional: boolean; status: number }[];
} {
  const requests: { path: string; conditional: boolean; status: number }[] = [];
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const path = request.url ?? '';
    const served = files.get(path);
    const conditional = request.headers['if-none-match'] !== undefined;
    const answer = (status: number, headers: Record<string, string> = {}, body?: Buffer): void => {
      requests.push({ path, conditional, status });
      response.writeHead(status, headers);
      response.end(body);
    };
    if (served === undefined) {
      answer(404);
      return;
    }
    if (served.status !== undefined) {
      answer(served.status);
      return;
    }
    const etag = `"${createHash('sha256').update(served.body).digest('hex').slice(0, 16)}"`;
    if (request.headers['if-none-match'] === etag) {
      answer(304, { etag });
      return;
    }
    const md5 = served.md5 ?? createHash('md5').update(served.body).digest('base64');
    answer(
      200,
      {
        etag,
        'last-modified': 'Fri, 14 Jul 2023 07:39:10 GMT',
        'x-goog-hash': `crc32c=AAAAAA==,md5=${md5}`,
        'content-length': String(served.body.length),
      },
      served.body,
    );
  };
  const server = tls ? createHttpsServer(tls, handler) : createServer(handler);
  return { server, requests };
}

/** The Alpine feed of the shared fixtures (one file of its archive). */
function alpineSecdb(): Buffer {
  return execFileSync(
    'tar',
    ['-xzOf', sharedFixture('vulndb', 'alpine-secdb.tar.gz'), 'alpine/v3.19/main.json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}

describe('lockyard db update against a local feed server', () => {
  const dir = useTempDir('lockyard-update-');
  const output = join(dir, 'vulndb', 'lockyard.db');
  const cacheDir = join(dir, 'vulndb', 'feeds');
  const files = new Map<string, Served>();
  const { server, requests } = feedServer(files);
  let base = '';
  const oval = readFileSync(
    fileURLToPath(
      new URL('../sources/debian-oval/__fixtures__/bookworm-excerpt.xml.bz2', import.meta.url),
    ),
  );
  const options = (extra: Partial<UpdateOptions> = {}): UpdateOptions => ({
    output,
    cacheDir,
    feedSpecs: [
      `osv:${base}/npm/all.zip`,
      `debian-oval:${base}/oval/oval-definitions-bookworm.xml.bz2`,
      `alpine-secdb:${base}/alpine/v3.19/main.json`,
    ],
    ...extra,
  });

  beforeAll(async () => {
    const zip = join(dir, 'all.zip');
    execFileSync('python3', [
      '-m',
      'zipfile',
      '-c',
      zip,
      ...readdirSync(sharedFixture('vulndb', 'ghsa', 'npm')).map((name) =>
        sharedFixture('vulndb', 'ghsa', 'npm', name),
      ),
    ]);
    files.set('/npm/all.zip', { body: readFileSync(zip) });
    files.set('/oval/oval-definitions-bookworm.xml.bz2', { body: oval });
    files.set('/alpine/v3.19/main.json', { body: alpineSecdb() });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('downloads every feed and builds the database the first time', async () => {
    const result = await updateVulnDb(options());
    expect(result.feeds.map((f) => f.outcome)).toEqual(['updated', 'updated', 'updated']);
    const db = openVulnDb(output);
    const status = db.status();
    expect(status.sources.map((s) => [s.kind, s.input, s.records])).toEqual([
      ['osv', `${base}/npm/all.zip`, 15],
      ['debian-oval', `${base}/oval/oval-definitions-bookworm.xml.bz2`, 7],
      ['alpine-secdb', `${base}/alpine/v3.19/main.json`, expect.any(Number) as number],
    ]);
    expect(db.lookup('npm', 'lodash').length).toBeGreaterThan(0);
    expect(db.lookup('Alpine:v3.19', 'aom').length).toBe(3);
    db.close();
  });

  it('sends conditional requests next time and keeps the database when nothing changed', async () => {
    const builtAt = openVulnDb(output).status().builtAt;
    requests.length = 0;
    const result = await updateVulnDb(options());
    expect(result.summary).toBeUndefined();
    expect(result.feeds.map((f) => f.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(requests.map((r) => [r.conditional, r.status])).toEqual([
      [true, 304],
      [true, 304],
      [true, 304],
    ]);
    expect(openVulnDb(output).status().builtAt).toBe(builtAt);
    const forced = await updateVulnDb(options({ force: true }));
    expect(forced.summary?.sources.length).toBe(3);
  });

  it('treats a full answer with the same bytes as unchanged (a server that ignores If-None-Match)', async () => {
    const builtAt = openVulnDb(output).status().builtAt;
    // A stale validator makes the server answer 200 with the full body, which is unchanged.
    const meta = feedFiles(cacheDir, `${base}/npm/all.zip`).currentMeta;
    const stored = JSON.parse(readFileSync(meta, 'utf8')) as Record<string, unknown>;
    writeFileSync(meta, JSON.stringify({ ...stored, etag: '"stale"' }));
    requests.length = 0;
    const result = await updateVulnDb(options());
    expect(requests.map((r) => r.status)).toEqual([200, 304, 304]);
    expect(result.feeds.map((f) => f.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(result.summary).toBeUndefined();
    expect(openVulnDb(output).status().builtAt).toBe(builtAt);
  });

  it('rebuilds when one feed changed, reusing the cached copies of the others', async () => {
    const secdb = JSON.parse(files.get('/alpine/v3.19/main.json')?.body.toString() ?? '{}') as {
      packages: unknown[];
    };
    secdb.packages.push({
      pkg: { name: 'lockyard-test', secfixes: { '1.0-r1': ['CVE-2099-1234'] } },
    });
    files.set('/alpine/v3.19/main.json', { body: Buffer.from(JSON.stringify(secdb)) });
    const result = await updateVulnDb(options());
    expect(result.feeds.map((f) => f.outcome)).toEqual(['unchanged', 'unchanged', 'updated']);
    const db = openVulnDb(output);
    expect(db.lookup('Alpine:v3.19', 'lockyard-test').map((r) => r.advisory.id)).toEqual([
      'CVE-2099-1234',
    ]);
    expect(db.lookup('npm', 'lodash').length).toBeGreaterThan(0);
    db.close();
    const cached = feedFiles(cacheDir, `${base}/alpine/v3.19/main.json`);
    expect(readFileSync(cached.current, 'utf8')).toContain('lockyard-test');
    expect(existsSync(cached.fresh)).toBe(false);
  });

  it('fails without touching the database when a feed answers an error', async () => {
    const before = openVulnDb(output).status();
    files.set('/npm/all.zip', {
      ...(files.get('/npm/all.zip') ?? { body: Buffer.alloc(0) }),
      status: 503,
    });
    await expect(updateVulnDb(options())).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message: `feed ${base}/npm/all.zip (osv): server answered HTTP 503`,
    });
    expect(openVulnDb(output).status()).toEqual(before);
    const good = files.get('/npm/all.zip');
    if (good) files.set('/npm/all.zip', { body: good.body });
  });

  it('keeps the old database and the last good download when a new download does not build', async () => {
    const before = openVulnDb(output).status();
    files.set('/oval/oval-definitions-bookworm.xml.bz2', {
      body: Buffer.from('<oval_definitions><definitions></oval_definitions>'),
    });
    await expect(updateVulnDb(options())).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect(openVulnDb(output).status()).toEqual(before);
    const cached = feedFiles(cacheDir, `${base}/oval/oval-definitions-bookworm.xml.bz2`);
    expect(readFileSync(cached.current).equals(oval)).toBe(true);
    expect(existsSync(cached.fresh)).toBe(false);
    files.set('/oval/oval-definitions-bookworm.xml.bz2', { body: oval });
    const result = await updateVulnDb(options());
    expect(result.feeds.map((f) => f.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
  });

  it("discards a download whose MD5 differs from the server's x-goog-hash", async () => {
    files.set('/alpine/v3.19/main.json', {
      body: Buffer.from('{"distroversion":"v3.19","reponame":"main","packages":[]}'),
      md5: 'AAAAAAAAAAAAAAAAAAAAAA==',
    });
    await expect(updateVulnDb(options())).rejects.toMatchObject({
      code: 'VERIFY_FAILED',
      message: expect.stringContaining(
        "does not match the server's AAAAAAAAAAAAAAAAAAAAAA==",
      ) as unknown,
    });
    expect(existsSync(feedFiles(cacheDir, `${base}/alpine/v3.19/main.json`).fresh)).toBe(false);
  });

  it('runs one update at a time per feed cache, and takes over a lock left by a dead process', async () => {
    const alpine = files.get('/alpine/v3.19/main.json');
    if (alpine) files.set('/alpine/v3.19/main.json', { body: alpine.body });
    const lock = join(cacheDir, '.update.lock');
    writeFileSync(lock, String(process.pid));
    await expect(updateVulnDb(options())).rejects.toMatchObject({
      code: 'UPDATE_IN_PROGRESS',
      message: `another 'lockyard db update' (pid ${process.pid}) is using ${cacheDir}`,
    });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    }).stdout;
    writeFileSync(lock, dead);
    const result = await updateVulnDb(options());
    expect(result.feeds).toHaveLength(3);
    expect(existsSync(lock)).toBe(false);
  });

  it('checks a pinned SHA-256 from a feed list file, and names bad fields in that file', async () => {
    const list = join(dir, 'feeds.yaml');
    writeFileSync(
      list,
      `- source: debian-oval\n  url: ${base}/oval/oval-definitions-bookworm.xml.bz2\n  sha256: ${'0'.repeat(64)}\n`,
    );
    await expect(
      updateVulnDb({ output: join(dir, 'pinned.db'), cacheDir, feedsFile: list }),
    ).rejects.toMatchObject({ code: 'VERIFY_FAILED' });
    writeFileSync(
      list,
      `- source: debian-oval\n  url: ${base}/oval/oval-definitions-bookworm.xml.bz2\n  sha256: ${createHash('sha256').update(oval).digest('hex')}\n`,
    );
    const pinned = await updateVulnDb({
      output: join(dir, 'pinned.db'),
      cacheDir,
      feedsFile: list,
    });
    expect(pinned.summary?.sources.map((s) => s.records)).toEqual([7]);
    writeFileSync(list, '- source: debian-oval\n  url: ftp://example.invalid/x\n');
    await expect(readFeedsFile(list)).rejects.toThrow(
      /^feed list .*feeds\.yaml: 0\.url: must be an http\(s\) URL$/,
    );
    writeFileSync(list, '- source: nvd\n  url: https://example.invalid/x\n');
    await expect(readFeedsFile(list)).rejects.toThrow("unknown advisory source 'nvd'");
  });
});

describe('lockyard db update over HTTPS from a server with a private CA', () => {
  const dir = useTempDir('lockyard-update-tls-');
  const files = new Map<string, Served>();
  let server: Server | undefined;
  let base = '';
  const options = (): UpdateOptions => ({
    output: join(dir, 'vulndb', 'lockyard.db'),
    cacheDir: join(dir, 'vulndb', 'feeds'),
    feedSpecs: [`alpine-secdb:${base}/alpine/v3.19/main.json`],
  });

  beforeAll(async () => {
    const tls = await makeTlsFiles(join(dir, 'tls'));
    files.set('/alpine/v3.19/main.json', { body: alpineSecdb() });
    server = feedServer(files, { cert: readFileSync(tls.cert), key: readFileSync(tls.key) }).server;
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    vi.stubEnv('NODE_EXTRA_CA_CERTS', tls.caCert);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('is refused while only the start-up trust store counts, and trusted through NODE_EXTRA_CA_CERTS read on use', async () => {
    // This process was started without the test CA: Node's own store does not hold it.
    await expect(updateVulnDb(options())).rejects.toThrow(/request failed \(.*certificate/);
    // As the launcher arranges it: the variable is read when the download needs it.
    deferExtraCaCertificates();
    const result = await updateVulnDb(options());
    expect(result.feeds.map((f) => f.outcome)).toEqual(['updated']);
  });
});

describe('feed specs', () => {
  it('never echo credentials or query strings of a feed URL', () => {
    expect(() =>
      parseFeedSpec('nvd:https://user:pw@example.invalid/feed.json?token=secret'),
    ).toThrow("--feed nvd:https://example.invalid/feed.json: unknown advisory source 'nvd'");
    expect(() => parseFeedSpec('osv:ftp://example.invalid/x?token=secret')).toThrow(
      '--feed (not KIND:URL): expected KIND:URL with an http(s) URL',
    );
    expect(parseFeedSpec('osv:https://example.invalid/npm/all.zip')).toEqual({
      source: 'osv',
      url: 'https://example.invalid/npm/all.zip',
    });
  });
});
