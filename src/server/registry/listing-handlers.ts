import type { FastifyReply } from 'fastify';
import { MediaType } from '../../oci/index.js';
import type { Page } from '../../store/index.js';
import type { RegistryContext } from './context.js';
import { RegistryError } from './errors.js';
import { checkDigest, printable } from './names.js';

type Query = Readonly<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// Without `n` everything is returned (the spec); a cap keeps one response bounded.
const MAX_PAGE = 10_000;

function pagination(query: Query): { limit: number | undefined; last: string | undefined } {
  const n = first(query['n']);
  const last = first(query['last']);
  if (n === undefined || n === '') return { limit: undefined, last };
  if (!/^\d+$/.test(n)) {
    // The spec has no pagination code; UNSUPPORTED is its code for "an invalid set of parameters".
    throw new RegistryError(
      'UNSUPPORTED',
      `invalid page size n="${printable(n.slice(0, 20))}": not a non-negative integer`,
      { status: 400, detail: { n: printable(n.slice(0, 20)) } },
    );
  }
  return { limit: Math.min(Number(n), MAX_PAGE), last };
}

/** `Link: <path?n=N&last=X>; rel="next"` when more results follow (RFC 8288, as the spec shows). */
function nextLink(path: string, limit: number | undefined, page: Page): string | undefined {
  const last = page.items.at(-1);
  if (!page.more || limit === undefined || last === undefined) return undefined;
  return `<${path}?n=${limit}&last=${encodeURIComponent(last)}>; rel="next"`;
}

async function sendPage(
  reply: FastifyReply,
  body: object,
  link: string | undefined,
): Promise<void> {
  const text = JSON.stringify(body);
  reply
    .code(200)
    .headers({ 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  if (link) reply.header('Link', link);
  await reply.send(Buffer.from(text));
}

export async function listTags(
  ctx: RegistryContext,
  name: string,
  query: Query,
  reply: FastifyReply,
): Promise<void> {
  const { limit, last } = pagination(query);
  if (!(await ctx.metadata.repositoryExists(name))) {
    throw new RegistryError('NAME_UNKNOWN', `repository ${name} is not known to this registry`, {
      detail: { name },
    });
  }
  const page =
    limit === 0 ? { items: [], more: false } : await ctx.metadata.listTags(name, limit, last);
  await sendPage(reply, { name, tags: page.items }, nextLink(`/v2/${name}/tags/list`, limit, page));
}

// How many names one metadata read fetches while a filtered catalog looks for visible ones.
const FILTER_BATCH = 500;

/**
 * Up to `limit` names after `last` that `visible` accepts, read from the metadata in batches
 * until that many are found or the list ends. `more` is true only when a further visible name
 * exists, so a client following `Link` never gets an empty last page.
 */
async function visiblePage(
  ctx: RegistryContext,
  limit: number,
  last: string | undefined,
  visible: (repository: string) => boolean,
): Promise<Page> {
  const items: string[] = [];
  let cursor = last;
  for (;;) {
    const batch = await ctx.metadata.listRepositories(
      Math.min(MAX_PAGE, Math.max(FILTER_BATCH, limit + 1)),
      cursor,
    );
    for (const name of batch.items) {
      if (!visible(name)) continue;
      if (items.length === limit) return { items, more: true };
      items.push(name);
    }
    cursor = batch.items.at(-1);
    if (!batch.more || cursor === undefined) return { items, more: false };
  }
}

/**
 * `/v2/_catalog`: every repository, or with `visible` (the access decision's filter) only those
 * the caller may see, paginated over the visible names alone.
 */
export async function listCatalog(
  ctx: RegistryContext,
  query: Query,
  reply: FastifyReply,
  visible?: (repository: string) => boolean,
): Promise<void> {
  const { limit, last } = pagination(query);
  const size = limit ?? MAX_PAGE;
  const page =
    limit === 0
      ? { items: [], more: false }
      : visible
        ? await visiblePage(ctx, size, last, visible)
        : await ctx.metadata.listRepositories(size, last);
  await sendPage(reply, { repositories: page.items }, nextLink('/v2/_catalog', size, page));
}

/**
 * The referrers API: an image index of the manifests whose `subject` is `digest`, optionally
 * filtered by `artifactType` (then `OCI-Filters-Applied` says so). Never 404: an unknown subject
 * simply has no referrers.
 */
export async function listReferrers(
  ctx: RegistryContext,
  name: string,
  digestText: string,
  query: Query,
  reply: FastifyReply,
): Promise<void> {
  const digest = checkDigest(digestText);
  const artifactType = first(query['artifactType']);
  const all = await ctx.metadata.referrers(name, digest);
  const selected =
    artifactType === undefined ? all : all.filter((entry) => entry.artifactType === artifactType);
  const body = {
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: selected.map((entry) => ({
      mediaType: entry.mediaType,
      digest: entry.digest,
      size: entry.size,
      ...(entry.artifactType === undefined ? {} : { artifactType: entry.artifactType }),
      ...(entry.annotations === undefined ? {} : { annotations: entry.annotations }),
    })),
  };
  const text = JSON.stringify(body);
  reply
    .code(200)
    .headers({ 'Content-Type': MediaType.ociIndex, 'Content-Length': Buffer.byteLength(text) });
  if (artifactType !== undefined) reply.header('OCI-Filters-Applied', 'artifactType');
  await reply.send(Buffer.from(text));
}
