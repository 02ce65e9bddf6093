import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { advisorySources } from '../api.js';
import { VulnDbError } from '../errors.js';
import { firstIssue } from '../issues.js';

export interface FeedSpec {
  readonly source: string;
  readonly url: string;
  /** Pins the feed's content: the download must hash to this (lowercase hex SHA-256). */
  readonly sha256?: string;
}

const feedListSchema = z.array(
  z.object({
    source: z.string().min(1),
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits')
      .optional(),
  }),
);

function checkSource(source: string, where: string): void {
  if (!advisorySources.has(source)) {
    throw new VulnDbError(
      'FEED_CONFIG_INVALID',
      `${where}: unknown advisory source '${source}' (known: ${[...advisorySources.keys()].join(', ')})`,
    );
  }
}

/** The built-in feed list: every source's default feeds, in registry order. */
export function defaultFeeds(): FeedSpec[] {
  return [...advisorySources.values()].flatMap((source) =>
    source.defaultFeeds.map((feed) => ({ source: source.id, url: feed.url })),
  );
}

/** `osv:https://host/Go/all.zip` -> a feed (the kind is everything before the first colon). */
export function parseFeedSpec(spec: string): FeedSpec {
  const colon = spec.indexOf(':');
  const source = colon > 0 ? spec.slice(0, colon) : '';
  const url = colon > 0 ? spec.slice(colon + 1) : '';
  // Messages show the URL without credentials or query: a feed URL may carry a token.
  const shown = /^https?:\/\//.test(url) ? `${source}:${displayUrl(url)}` : '(not KIND:URL)';
  if (source === '' || !/^https?:\/\//.test(url)) {
    throw new VulnDbError(
      'FEED_CONFIG_INVALID',
      `--feed ${shown}: expected KIND:URL with an http(s) URL`,
    );
  }
  checkSource(source, `--feed ${shown}`);
  return { source, url };
}

/** Reads a feed list file (YAML or JSON: `[{ source, url, sha256? }]`), naming the bad field. */
export async function readFeedsFile(path: string): Promise<FeedSpec[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new VulnDbError(
      'FEED_CONFIG_INVALID',
      `feed list ${path} does not exist or cannot be read`,
    );
  }
  let value: unknown;
  try {
    // Every field is a string; the failsafe schema keeps a digest such as 0123... from becoming a number.
    value = parseYaml(text, { schema: 'failsafe' });
  } catch (error) {
    throw new VulnDbError(
      'FEED_CONFIG_INVALID',
      `feed list ${path}: not YAML or JSON (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
  const parsed = feedListSchema.safeParse(value);
  if (!parsed.success) {
    const { reason } = firstIssue(parsed.error);
    throw new VulnDbError('FEED_CONFIG_INVALID', `feed list ${path}: ${reason}`);
  }
  return parsed.data.map((feed, index) => {
    checkSource(feed.source, `feed list ${path}: ${index}.source`);
    return {
      source: feed.source,
      url: feed.url,
      ...(feed.sha256 === undefined ? {} : { sha256: feed.sha256 }),
    };
  });
}

/** A URL as it may appear in messages and status: without credentials or query string. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
