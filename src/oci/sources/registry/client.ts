import { z } from 'zod';
import { ImageError, type ImageErrorCode } from '../../errors.js';
import { digestOf, parseDigest } from '../../digest.js';
import { MediaType } from '../../media-types.js';
import { printable } from '../../printable.js';
import type { Reference } from '../../reference.js';
import { RegistryAuth } from './auth.js';
import { header, RegistryHttp, type HttpResponse } from './http.js';
import type { RegistryOptions } from './options.js';
import { readCapped, readErrorBody } from './read-body.js';

/** The manifest types we can read, most specific first (the registry picks one). */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest].join(', ');

/** The distribution spec lets registries refuse manifests over 4 MiB; we refuse to read more. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const KNOWN_DOCUMENT_TYPES = new Set<string>([MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerManifestList, MediaType.dockerManifest]);
const SCHEMA1_TYPES = new Set(['application/vnd.docker.distribution.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v1+prettyjws']);

const errorBodySchema = z.object({
  errors: z.array(z.object({ code: z.string().optional(), message: z.string().optional() })).min(1),
});

/** `[CODE: message]` from an OCI error body, when there is one. */
function registrySays(body: string): string {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (!parsed.success) return '';
    const first = parsed.data.errors[0];
    const text = [first?.code, first?.message].filter(Boolean).join(': ');
    return text ? ` [${printable(text, 160)}]` : '';
  } catch {
    return '';
  }
}

export interface FetchedManifest {
  readonly bytes: Buffer;
  readonly digest: string;
  readonly mediaType: string;
}

/** What a manifest document says it is: its own `mediaType`, else the Content-Type, else its shape. */
function manifestMediaType(bytes: Buffer, contentType: string | undefined): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const document = value as { mediaType?: unknown; manifests?: unknown; schemaVersion?: unknown };
  if (document.schemaVersion === 1) return 'application/vnd.docker.distribution.manifest.v1+json';
  if (typeof document.mediaType === 'string') return document.mediaType;
  const declared = contentType?.split(';')[0]?.trim();
  if (declared && (KNOWN_DOCUMENT_TYPES.has(declared) || SCHEMA1_TYPES.has(declared))) return declared;
  return Array.isArray(document.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
}

/**
 * The OCI Distribution API for one repository: manifests and blobs over HTTPS (plain HTTP only
 * for hosts named insecure), authenticated on demand, every refusal turned into one line that
 * names the registry and repository.
 */
export class RegistryClient {
  readonly http: RegistryHttp;
  private readonly auth: RegistryAuth;
  private readonly base: URL;

  constructor(
    readonly reference: Reference,
    options: RegistryOptions,
    private readonly what: string,
  ) {
    this.http = new RegistryHttp(options);
    const scheme = this.http.isInsecure(reference.registry) ? 'http' : 'https';
    this.base = new URL(`${scheme}://${reference.registry}/v2/${reference.repository}/`);
    this.auth = new RegistryAuth(reference.registry, reference.repository, options, this.http);
  }

  private get place(): string {
    return `${this.reference.registry}/${this.reference.repository}`;
  }

  /** GET with the repository's authorization, answering up to two auth challenges. */
  async get(path: string, headers: Readonly<Record<string, string>> = {}): Promise<HttpResponse> {
    const url = new URL(path, this.base);
    for (let round = 0; ; round += 1) {
      const response = await this.http.send(url, { headers, authorization: this.auth.authorization });
      if (response.status !== 401 || round >= 2) return response;
      if (!(await this.auth.onUnauthorized(response))) return response;
      await response.body.dump();
    }
  }

  /** One line for a response that is not what we asked for. */
  async refusal(response: HttpResponse, subject: string, notFound: ImageErrorCode): Promise<ImageError> {
    const says = registrySays(await readErrorBody(response));
    const host = this.reference.registry;
    const details = { registry: host, repository: this.reference.repository, status: response.status };
    switch (response.status) {
      case 401: {
        const fix = (await this.auth.hasCredentials())
          ? 'the credentials given were rejected; check them'
          : 'log in with --username and --password-stdin (or docker login)';
        return new ImageError('UNAUTHORIZED', `${this.what}: registry ${host} requires authentication for ${this.place} (401 Unauthorized)${says}; ${fix}`, { details });
      }
      case 403:
        return new ImageError(
          'DENIED',
          `${this.what}: registry ${host} denied access to ${this.place} (403 Forbidden)${says}; the account used may not pull it (another can be given with --username and --password-stdin)`,
          { details },
        );
      case 404:
        return new ImageError(notFound, `${this.what}: ${subject} not found in ${this.place} (404)${says}`, { details });
      case 429:
        return new ImageError('RATE_LIMITED', `${this.what}: registry ${host} is rate limiting requests (429 Too Many Requests)${says}; try again later or log in`, { details });
      default:
        return new ImageError('REGISTRY_ERROR', `${this.what}: registry ${host} answered ${response.status} for ${subject}${says}`, { details });
    }
  }

  /** Fetches a manifest or index by tag or digest, verified against the digest it is known by. */
  async manifest(reference: string): Promise<FetchedManifest> {
    const byDigest = reference.includes(':');
    const subject = byDigest ? `manifest ${reference}` : `manifest for tag "${reference}"`;
    const response = await this.get(`manifests/${reference}`, { accept: MANIFEST_ACCEPT });
    if (response.status !== 200) throw await this.refusal(response, subject, 'MANIFEST_UNKNOWN');
    const bytes = await readCapped(response, MAX_MANIFEST_BYTES, `${this.what}: ${subject}`);
    const mediaType = manifestMediaType(bytes, header(response, 'content-type'));
    if (mediaType && SCHEMA1_TYPES.has(mediaType)) {
      throw new ImageError('UNSUPPORTED_MEDIA_TYPE', `${this.what}: ${subject} is a Docker schema 1 manifest, which is not supported (push the image again with a current client)`);
    }
    if (!mediaType || !KNOWN_DOCUMENT_TYPES.has(mediaType)) {
      throw new ImageError('UNSUPPORTED_MEDIA_TYPE', `${this.what}: ${subject} has unsupported media type "${printable(mediaType ?? 'none')}"`);
    }
    const algorithm = byDigest ? parseDigest(reference).algorithm : 'sha256';
    const digest = digestOf(bytes, algorithm);
    const claimed = byDigest ? reference : header(response, 'docker-content-digest');
    if (claimed && claimed.startsWith(`${algorithm}:`) && claimed !== digest) {
      throw new ImageError('DIGEST_MISMATCH', `${this.what}: ${subject}: digest mismatch (expected ${printable(claimed)}, got ${digest})`);
    }
    return { bytes, digest, mediaType };
  }

  /** Starts a blob download (optionally from a byte offset); the caller reads the body. */
  async blob(digest: string, from = 0): Promise<HttpResponse> {
    const response = await this.get(`blobs/${digest}`, from > 0 ? { range: `bytes=${from}-` } : {});
    if (response.status === 200 || (from > 0 && response.status === 206)) return response;
    throw await this.refusal(response, `blob ${digest}`, 'BLOB_UNKNOWN');
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
