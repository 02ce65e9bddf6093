import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Dispatcher } from 'undici';
import * as z from 'zod';
import { describeCause } from '../../errors/index.js';
import { caCertificates } from '../../trust/index.js';
import { VulnDbError } from '../errors.js';
import { displayUrl, type FeedSpec } from './feeds.js';

/** What is remembered about the last good download of a feed, for conditional requests. */
const metaSchema = z.object({
  url: z.string(),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  sha256: z.string(),
  bytes: z.number(),
  fetchedAt: z.string(),
});
type FeedMeta = z.infer<typeof metaSchema>;

export interface FeedFiles {
  /** The last good download (used when the server answers 304). */
  readonly current: string;
  readonly currentMeta: string;
  /** A new download, promoted to `current` only after a database was built from it. */
  readonly fresh: string;
  readonly freshMeta: string;
}

export type FetchOutcome = 'updated' | 'unchanged';

export interface FetchResult {
  readonly outcome: FetchOutcome;
  /** The file to build from: the fresh download or the cached one. */
  readonly path: string;
  readonly files: FeedFiles;
}

/** Each feed gets a folder named by a hash of its URL, holding the file under its own name. */
export function feedFiles(cacheDir: string, url: string): FeedFiles {
  const dir = join(cacheDir, createHash('sha256').update(url).digest('hex').slice(0, 16));
  // Keep the URL's file name: sources choose files by extension (.xml.bz2, .zip, .json).
  const name = basename(new URL(url).pathname).replace(/[^A-Za-z0-9._-]/g, '_') || 'feed';
  // A fresh download sits in new/ under the same name until it is promoted.
  return {
    current: join(dir, name),
    currentMeta: join(dir, '.meta.json'),
    fresh: join(dir, 'new', name),
    freshMeta: join(dir, 'new', '.meta.json'),
  };
}

async function readMeta(path: string): Promise<FeedMeta | undefined> {
  try {
    const parsed = metaSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

interface HeaderReader {
  get(name: string): string | null;
}

let feedAgent: Dispatcher | undefined;

/**
 * Feeds go through HTTPS_PROXY / HTTP_PROXY (and NO_PROXY) when set, like registry traffic, and
 * trust what registry traffic trusts (`NODE_EXTRA_CA_CERTS`, see trust/). Undefined: undici's
 * default dispatcher is all that is needed.
 */
async function feedDispatcher(
  undici: Pick<typeof import('undici'), 'Agent' | 'EnvHttpProxyAgent'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Dispatcher | undefined> {
  if (feedAgent) return feedAgent;
  const proxied = Boolean(
    env['HTTPS_PROXY'] ?? env['https_proxy'] ?? env['HTTP_PROXY'] ?? env['http_proxy'],
  );
  const ca = await caCertificates();
  if (!proxied && !ca) return undefined;
  feedAgent = proxied
    ? new undici.EnvHttpProxyAgent(ca ? { connect: { ca }, requestTls: { ca } } : {})
    : new undici.Agent({ connect: { ca } });
  return feedAgent;
}

/** The MD5 a server vouches for: Google Cloud Storage's `x-goog-hash: md5=...` or `Content-MD5`. */
function announcedMd5(headers: HeaderReader): string | undefined {
  for (const part of (headers.get('x-goog-hash') ?? '').split(',')) {
    const match = /^\s*md5=(?<value>[A-Za-z0-9+/=]+)\s*$/.exec(part);
    if (match?.groups?.['value'] !== undefined) return match.groups['value'];
  }
  return headers.get('content-md5') ?? undefined;
}

/** undici's "fetch failed" names the reason only in its cause: `getaddrinfo ENOTFOUND host`. */
function networkCause(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const reason = cause instanceof Error ? cause.message : undefined;
  return reason ? `${describeCause(error)}: ${reason}` : describeCause(error);
}

function fail(feed: FeedSpec, message: string, cause?: unknown): VulnDbError {
  return new VulnDbError(
    'FETCH_FAILED',
    `feed ${displayUrl(feed.url)} (${feed.source}): ${message}`,
    {
      ...(cause === undefined ? {} : { cause }),
      details: { source: feed.source, url: displayUrl(feed.url) },
    },
  );
}

/**
 * Downloads one feed with a conditional request (If-None-Match / If-Modified-Since from the last
 * good download). A new body goes to a side file and is verified (length, the server's MD5 when
 * it announces one, the configured SHA-256) before anything uses it.
 */
export async function fetchFeed(
  feed: FeedSpec,
  cacheDir: string,
  options: { timeoutMs: number },
): Promise<FetchResult> {
  const files = feedFiles(cacheDir, feed.url);
  const meta = await readMeta(files.currentMeta);
  const cached =
    meta !== undefined &&
    meta.url === feed.url &&
    (feed.sha256 === undefined || feed.sha256 === meta.sha256);
  const headers: Record<string, string> = { 'user-agent': 'lockyard' };
  if (cached && meta.etag !== undefined) headers['if-none-match'] = meta.etag;
  if (cached && meta.lastModified !== undefined) headers['if-modified-since'] = meta.lastModified;
  // undici loads here, on a download, not whenever the database library is imported.
  const undici = await import('undici');
  const { fetch } = undici;
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    const dispatcher = await feedDispatcher(undici);
    response = await fetch(feed.url, {
      ...(dispatcher === undefined ? {} : { dispatcher }),
      headers,
      redirect: 'follow',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw fail(
      feed,
      `request failed (${networkCause(error)}); without network, build the database from feeds on disk (lockyard db build --source KIND:PATH) or pull one from a registry (lockyard db pull)`,
      error,
    );
  }
  if (response.status === 304 && cached) {
    await response.body?.cancel();
    return { outcome: 'unchanged', path: files.current, files };
  }
  if (response.status !== 200 || response.body === null) {
    await response.body?.cancel();
    throw fail(feed, `server answered HTTP ${response.status}`);
  }
  await mkdir(join(files.fresh, '..'), { recursive: true });
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let bytes = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sha256.update(chunk);
      md5.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      hasher,
      createWriteStream(files.fresh),
    );
  } catch (error) {
    await rm(files.fresh, { force: true });
    throw fail(feed, `download interrupted (${describeCause(error)})`, error);
  }
  const digest = sha256.digest('hex');
  const problem = verify(response.headers, bytes, md5.digest('base64'), digest, feed);
  if (problem !== undefined) {
    await rm(files.fresh, { force: true });
    throw new VulnDbError(
      'VERIFY_FAILED',
      `feed ${displayUrl(feed.url)} (${feed.source}): ${problem}; the download was discarded`,
      {
        details: { source: feed.source, url: displayUrl(feed.url) },
      },
    );
  }
  const fresh: FeedMeta = {
    url: feed.url,
    sha256: digest,
    bytes,
    fetchedAt: new Date().toISOString(),
    ...(response.headers.get('etag') === null ? {} : { etag: response.headers.get('etag') ?? '' }),
    ...(response.headers.get('last-modified') === null
      ? {}
      : { lastModified: response.headers.get('last-modified') ?? '' }),
  };
  if (cached && meta.sha256 === digest && existsSync(files.current)) {
    // Same bytes as the last good download (a server without conditional requests, or a new
    // ETag for old content): nothing changed, and the new validators are remembered.
    await rm(files.fresh, { force: true });
    await writeFile(files.currentMeta, JSON.stringify(fresh));
    return { outcome: 'unchanged', path: files.current, files };
  }
  await writeFile(files.freshMeta, JSON.stringify(fresh));
  return { outcome: 'updated', path: files.fresh, files };
}

function verify(
  headers: HeaderReader,
  bytes: number,
  md5: string,
  sha256: string,
  feed: FeedSpec,
): string | undefined {
  // With a Content-Encoding, fetch has decoded the body: length and MD5 describe the encoded form.
  const encoded = (headers.get('content-encoding') ?? 'identity') !== 'identity';
  const length = headers.get('content-length');
  if (!encoded && length !== null && Number(length) !== bytes)
    return `received ${bytes} bytes, the server announced ${length}`;
  const announced = announcedMd5(headers);
  if (!encoded && announced !== undefined && announced !== md5)
    return `MD5 ${md5} does not match the server's ${announced}`;
  if (feed.sha256 !== undefined && feed.sha256 !== sha256)
    return `SHA-256 ${sha256} does not match the configured ${feed.sha256}`;
  return undefined;
}

/** After a successful build: the fresh download becomes the cached one. */
export async function promote(files: FeedFiles): Promise<void> {
  await rename(files.fresh, files.current);
  await rename(files.freshMeta, files.currentMeta);
}

/** After a failed build: the fresh download is dropped, the last good one stays. */
export async function discard(files: FeedFiles): Promise<void> {
  await rm(files.fresh, { force: true });
  await rm(files.freshMeta, { force: true });
}
