import { ImageError, type ImageErrorCode } from '../../errors.js';
import { digestOf, parseDigest } from '../../digest.js';
import { MediaType } from '../../media-types.js';
import { printable } from '../../printable.js';
import type { Reference } from '../../reference.js';
import { RegistryAuth } from './auth.js';
import {
  header,
  RegistryHttp,
  type HttpMethod,
  type HttpResponse,
  type RequestBody,
} from './http.js';
import type { RegistryOptions } from './options.js';
import { readCapped } from './read-body.js';
import { refusalError, type RefusalOptions } from './refusal.js';

/** The manifest types we can read, most specific first (the registry picks one). */
export const MANIFEST_ACCEPT = [
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
].join(', ');

/** The distribution spec lets registries refuse manifests over 4 MiB; we refuse to read more. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const KNOWN_DOCUMENT_TYPES = new Set<string>([
  MediaType.ociIndex,
  MediaType.ociManifest,
  MediaType.dockerManifestList,
  MediaType.dockerManifest,
]);
const SCHEMA1_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

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
  if (declared && (KNOWN_DOCUMENT_TYPES.has(declared) || SCHEMA1_TYPES.has(declared)))
    return declared;
  return Array.isArray(document.manifests) ? MediaType.ociIndex : MediaType.ociManifest;
}

/** What a client will do: pull (the default), or push, optionally mounting blobs from other repositories. */
export interface RegistryAccess {
  readonly push?: boolean;
  /** Repositories of the same registry blobs may be mounted from (their `pull` scope is asked for too). */
  readonly mountFrom?: readonly string[];
}

export interface ClientRequest {
  readonly method?: HttpMethod;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  readonly idempotent?: boolean;
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
  private readonly action: 'pull' | 'push';

  constructor(
    readonly reference: Reference,
    options: RegistryOptions,
    readonly what: string,
    access: RegistryAccess = {},
  ) {
    this.http = new RegistryHttp(options);
    const scheme = this.http.isInsecure(reference.registry) ? 'http' : 'https';
    this.base = new URL(`${scheme}://${reference.registry}/v2/${reference.repository}/`);
    this.action = access.push ? 'push' : 'pull';
    const scopes = access.push
      ? [
          `repository:${reference.repository}:pull,push`,
          ...(access.mountFrom ?? [])
            .filter((from) => from !== reference.repository)
            .map((from) => `repository:${from}:pull`),
        ]
      : undefined;
    this.auth = new RegistryAuth(
      reference.registry,
      reference.repository,
      options,
      this.http,
      scopes,
    );
  }

  /** `host/repository`, for messages. */
  get place(): string {
    return `${this.reference.registry}/${this.reference.repository}`;
  }

  /** A path under `/v2/<name>/`, or an upload Location (relative or absolute) the registry gave. */
  url(path: string, relativeTo: URL = this.base): URL {
    return new URL(path, relativeTo);
  }

  /**
   * Sends a request with the repository's authorization, answering up to two auth challenges.
   * The Authorization header goes only to the registry's own origin: an upload Location on
   * another host (a storage front end) gets none.
   */
  async request(target: string | URL, init: ClientRequest = {}): Promise<HttpResponse> {
    const url = typeof target === 'string' ? this.url(target) : target;
    for (let round = 0; ; round += 1) {
      const authorization = url.origin === this.base.origin ? this.auth.authorization : undefined;
      const response = await this.http.send(url, { ...init, authorization });
      if (response.status !== 401 || round >= 2) return response;
      if (!(await this.auth.onUnauthorized(response))) return response;
      await response.body.dump();
    }
  }

  /** GET with the repository's authorization, answering up to two auth challenges. */
  get(path: string, headers: Readonly<Record<string, string>> = {}): Promise<HttpResponse> {
    return this.request(path, { headers });
  }

  /** One line for a response that is not what we asked for. */
  refusal(
    response: HttpResponse,
    subject: string,
    notFound: ImageErrorCode | RefusalOptions,
  ): Promise<ImageError> {
    const context = {
      what: this.what,
      registry: this.reference.registry,
      repository: this.reference.repository,
      action: this.action,
      hasCredentials: () => this.auth.hasCredentials(),
    };
    return refusalError(
      response,
      subject,
      context,
      typeof notFound === 'string' ? { notFound } : notFound,
    );
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
      throw new ImageError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${this.what}: ${subject} is a Docker schema 1 manifest, which is not supported (push the image again with a current client)`,
      );
    }
    if (!mediaType || !KNOWN_DOCUMENT_TYPES.has(mediaType)) {
      throw new ImageError(
        'UNSUPPORTED_MEDIA_TYPE',
        `${this.what}: ${subject} has unsupported media type "${printable(mediaType ?? 'none')}"`,
      );
    }
    const algorithm = byDigest ? parseDigest(reference).algorithm : 'sha256';
    const digest = digestOf(bytes, algorithm);
    const claimed = byDigest ? reference : header(response, 'docker-content-digest');
    if (claimed && claimed.startsWith(`${algorithm}:`) && claimed !== digest) {
      throw new ImageError(
        'DIGEST_MISMATCH',
        `${this.what}: ${subject}: digest mismatch (expected ${printable(claimed)}, got ${digest})`,
      );
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
