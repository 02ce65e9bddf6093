import * as z from 'zod';
import { ImageError } from '../../errors.js';
import { MediaType } from '../../media-types.js';
import { describeIssues } from '../../parse-json.js';
import { printable } from '../../printable.js';
import { imageIndexSchema, type Descriptor } from '../../schemas.js';
import { MAX_MANIFEST_BYTES, type RegistryClient } from './client.js';
import { header, type HttpResponse } from './http.js';
import { readCapped } from './read-body.js';

/** Referrers API pages followed at most (each up to 4 MiB of descriptors). */
const MAX_PAGES = 64;
/** Read-modify-write rounds on the referrers tag when another client changes it meanwhile (412). */
const TAG_UPDATE_ROUNDS = 3;

export interface ReferrersList {
  readonly descriptors: Descriptor[];
  /** Where the list came from: the referrers API, or the tag-schema index of a registry without it. */
  readonly via: 'api' | 'tag-schema';
}

/**
 * The referrers tag of a digest (distribution spec v1.1, "Referrers Tag Schema"): the algorithm
 * cut to 32 characters, `-`, the encoded part cut to 64, characters a tag cannot hold made `-`.
 */
export function referrersTag(digest: string): string {
  const colon = digest.indexOf(':');
  return `${digest.slice(0, colon).slice(0, 32)}-${digest.slice(colon + 1).slice(0, 64)}`.replace(
    /[^\w.-]/g,
    '-',
  );
}

/** The `rel="next"` target of an RFC 8288 Link header. */
export function nextLink(response: HttpResponse): string | undefined {
  const raw = response.headers['link'];
  for (const value of Array.isArray(raw) ? raw : raw ? [raw] : []) {
    for (const part of value.split(/,(?=\s*<)/)) {
      const match = /^\s*<(?<target>[^>]*)>(?<params>.*)$/.exec(part);
      if (
        match?.groups &&
        /;\s*rel="?(?:[^";]*\s)?next(?:\s[^";]*)?"?/i.test(match.groups['params'] ?? '')
      )
        return match.groups['target'];
    }
  }
  return undefined;
}

async function readIndex(
  client: RegistryClient,
  response: HttpResponse,
  what: string,
): Promise<{ raw: Record<string, unknown>; manifests: Descriptor[] }> {
  const bytes = await readCapped(response, MAX_MANIFEST_BYTES, `${client.what}: ${what}`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ImageError(
      'MANIFEST_INVALID',
      `${client.what}: ${what} from ${client.reference.registry} is not JSON`,
    );
  }
  const parsed = imageIndexSchema.safeParse(value);
  if (!parsed.success)
    throw new ImageError(
      'MANIFEST_INVALID',
      `${client.what}: ${what} from ${client.reference.registry}: ${describeIssues(parsed.error)}`,
    );
  return { raw: value as Record<string, unknown>, manifests: parsed.data.manifests };
}

/** The referrers tag's index as the spec's fallback reads it: anything but an image index means none. */
async function fromTagSchema(client: RegistryClient, digest: string): Promise<Descriptor[]> {
  const tag = referrersTag(digest);
  const response = await client.request(`manifests/${tag}`, {
    headers: { accept: MediaType.ociIndex },
  });
  if (response.status === 404) {
    await response.body.dump();
    return [];
  }
  if (response.status !== 200)
    throw await client.refusal(response, `referrers tag "${tag}"`, 'MANIFEST_UNKNOWN');
  try {
    return (await readIndex(client, response, `referrers tag "${tag}"`)).manifests;
  } catch (error) {
    if (error instanceof ImageError && error.code === 'MANIFEST_INVALID') return [];
    throw error;
  }
}

/**
 * The manifests whose `subject` is `digest`: from `GET /referrers/<digest>` (every page, the
 * `artifactType` filter asked of the registry and applied again here unless it says
 * `OCI-Filters-Applied: artifactType`), or, when the registry answers 404 (no referrers API),
 * from the index under the referrers tag.
 */
export async function fetchReferrers(
  client: RegistryClient,
  digest: string,
  artifactType?: string,
): Promise<ReferrersList> {
  const keep = (list: Descriptor[]): Descriptor[] =>
    artifactType === undefined ? list : list.filter((entry) => entry.artifactType === artifactType);
  let url = client.url(
    `referrers/${digest}${artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`}`,
  );
  const descriptors: Descriptor[] = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const response = await client.request(url, { headers: { accept: MediaType.ociIndex } });
    if (page === 0 && response.status === 404) {
      await response.body.dump();
      return { descriptors: keep(await fromTagSchema(client, digest)), via: 'tag-schema' };
    }
    if (response.status !== 200)
      throw await client.refusal(response, `the referrers of ${digest}`, 'MANIFEST_UNKNOWN');
    const filtered = (header(response, 'oci-filters-applied') ?? '')
      .split(',')
      .some((name) => name.trim() === 'artifactType');
    const { manifests } = await readIndex(client, response, `the referrers of ${digest}`);
    descriptors.push(...(filtered ? manifests : keep(manifests)));
    const next = nextLink(response);
    if (!next) return { descriptors, via: 'api' };
    url = new URL(next, response.url);
    if (url.origin !== response.url.origin) {
      throw new ImageError(
        'REGISTRY_ERROR',
        `${client.what}: registry ${client.reference.registry} sent the next page of referrers to another host (${printable(url.host)})`,
      );
    }
  }
  throw new ImageError(
    'REGISTRY_ERROR',
    `${client.what}: the referrers of ${digest} in ${client.place} run over more than ${MAX_PAGES} pages`,
  );
}

const entrySchema = z.object({ digest: z.string() }).loose();

/**
 * For a registry without the referrers API (no `OCI-Subject` answer): adds `descriptor` to the
 * index under the subject's referrers tag, as the spec asks of clients — read it (404 = empty),
 * skip if already listed, append, PUT back. The read's ETag goes back as `If-Match`, so a
 * registry that supports conditional requests refuses (412) a write over a concurrent one, and
 * we read again. Fields of the index and its entries we do not know are kept as they were.
 */
export async function addToReferrersTag(
  client: RegistryClient,
  subjectDigest: string,
  descriptor: Descriptor,
): Promise<void> {
  const tag = referrersTag(subjectDigest);
  for (let round = 0; round < TAG_UPDATE_ROUNDS; round += 1) {
    const current = await client.request(`manifests/${tag}`, {
      headers: { accept: MediaType.ociIndex },
    });
    let raw: Record<string, unknown> = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: [],
    };
    let entries: unknown[] = [];
    const etag = header(current, 'etag');
    if (current.status === 200) {
      const read = await readIndex(client, current, `referrers tag "${tag}"`);
      const declared =
        typeof read.raw['mediaType'] === 'string'
          ? read.raw['mediaType']
          : header(current, 'content-type')?.split(';')[0]?.trim();
      if (declared !== MediaType.ociIndex) {
        throw new ImageError(
          'MANIFEST_INVALID',
          `${client.what}: tag "${tag}" in ${client.place} holds ${printable(declared ?? 'a document without a media type')}, not the image index of referrers; not replacing it`,
        );
      }
      raw = read.raw;
      entries = read.raw['manifests'] as unknown[];
    } else if (current.status === 404) {
      await current.body.dump();
    } else {
      throw await client.refusal(current, `referrers tag "${tag}"`, 'MANIFEST_UNKNOWN');
    }
    if (entries.some((entry) => entrySchema.safeParse(entry).data?.digest === descriptor.digest))
      return;
    const body = Buffer.from(JSON.stringify({ ...raw, manifests: [...entries, descriptor] }));
    const put = await client.request(`manifests/${tag}`, {
      method: 'PUT',
      headers: {
        'content-type': MediaType.ociIndex,
        ...(current.status === 200 && etag ? { 'if-match': etag } : {}),
      },
      body,
    });
    if (put.status === 201 || put.status === 200) {
      await put.body.dump();
      return;
    }
    if (put.status !== 412)
      throw await client.refusal(put, `referrers tag "${tag}"`, {
        notFound: 'NAME_UNKNOWN',
        tooLargeHint: `the referrers index is ${body.length} bytes`,
      });
    await put.body.dump();
  }
  throw new ImageError(
    'REGISTRY_ERROR',
    `${client.what}: the referrers tag "${tag}" in ${client.place} kept changing while it was updated; push again`,
  );
}
