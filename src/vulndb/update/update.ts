import { existsSync } from 'node:fs';
import { nullLogger, type Logger } from '../../log/index.js';
import { buildVulnDb, type BuildProgress, type BuildSummary } from '../build.js';
import { openVulnDb } from '../db/reader.js';
import { VulnDbError } from '../errors.js';
import { defaultFeeds, displayUrl, parseFeedSpec, readFeedsFile, type FeedSpec } from './feeds.js';
import { withUpdateLock } from './lock.js';
import { discard, fetchFeed, promote, type FetchOutcome, type FetchResult } from './fetch-feed.js';

export interface UpdateOptions {
  readonly output: string;
  /** Where downloads are kept between updates (for conditional requests). */
  readonly cacheDir: string;
  /** `KIND:URL` specs; they replace the defaults. */
  readonly feedSpecs?: readonly string[];
  /** A YAML/JSON feed list; it replaces the defaults. */
  readonly feedsFile?: string;
  readonly feeds?: readonly FeedSpec[];
  /** Rebuild even if every feed answered "not modified". */
  readonly force?: boolean;
  readonly timeoutMs?: number;
  readonly logger?: Logger;
  readonly onProgress?: (event: BuildProgress) => void;
}

export interface UpdateResult {
  readonly output: string;
  readonly feeds: readonly {
    readonly source: string;
    readonly url: string;
    readonly outcome: FetchOutcome;
  }[];
  /** Undefined when nothing changed and the existing database was kept as it is. */
  readonly summary: BuildSummary | undefined;
}

async function resolveFeeds(options: UpdateOptions): Promise<FeedSpec[]> {
  const feeds: FeedSpec[] = [...(options.feeds ?? [])];
  if (options.feedsFile !== undefined) feeds.push(...(await readFeedsFile(options.feedsFile)));
  for (const spec of options.feedSpecs ?? []) feeds.push(parseFeedSpec(spec));
  const chosen = feeds.length > 0 ? feeds : defaultFeeds();
  if (chosen.length === 0) throw new VulnDbError('FEED_CONFIG_INVALID', 'no feeds to update from');
  return chosen;
}

/** The existing database was built from exactly these feeds (same order) and still opens. */
function builtFrom(output: string, feeds: readonly FeedSpec[]): boolean {
  if (!existsSync(output)) return false;
  try {
    const db = openVulnDb(output);
    try {
      const inputs = db.status().sources.map((source) => `${source.kind} ${source.input}`);
      return (
        inputs.length === feeds.length &&
        feeds.every((feed, index) => inputs[index] === `${feed.source} ${displayUrl(feed.url)}`)
      );
    } finally {
      db.close();
    }
  } catch {
    return false;
  }
}

/**
 * `lockyard db update`: resolve feeds -> fetch each conditionally -> if nothing changed, keep the
 * database -> else build a new one aside and swap it in (buildVulnDb renames atomically) ->
 * promote the downloads. Any failure leaves the old database and the last good downloads as
 * they were, so the next update retries cleanly.
 */
export async function updateVulnDb(options: UpdateOptions): Promise<UpdateResult> {
  return withUpdateLock(options.cacheDir, () => update(options));
}

async function update(options: UpdateOptions): Promise<UpdateResult> {
  const logger = options.logger ?? nullLogger;
  const feeds = await resolveFeeds(options);
  const fetched: (FetchResult & { feed: FeedSpec })[] = [];
  try {
    for (const feed of feeds) {
      const result = await fetchFeed(feed, options.cacheDir, {
        timeoutMs: options.timeoutMs ?? 15 * 60_000,
      });
      logger.info('feed fetched', {
        source: feed.source,
        url: displayUrl(feed.url),
        outcome: result.outcome,
      });
      fetched.push({ ...result, feed });
    }
    const changed = fetched.some((result) => result.outcome === 'updated');
    const report = fetched.map((result) => ({
      source: result.feed.source,
      url: displayUrl(result.feed.url),
      outcome: result.outcome,
    }));
    if (!changed && options.force !== true && builtFrom(options.output, feeds)) {
      return { output: options.output, feeds: report, summary: undefined };
    }
    const summary = await buildVulnDb({
      output: options.output,
      inputs: fetched.map((result) => ({
        kind: result.feed.source,
        path: result.path,
        label: displayUrl(result.feed.url),
      })),
      logger,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    for (const result of fetched) if (result.outcome === 'updated') await promote(result.files);
    return { output: options.output, feeds: report, summary };
  } catch (error) {
    for (const result of fetched) if (result.outcome === 'updated') await discard(result.files);
    throw error;
  }
}
