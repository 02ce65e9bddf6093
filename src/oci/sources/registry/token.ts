import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ImageError } from '../../errors.js';
import { describeIssues } from '../../parse-json.js';
import { printable } from '../../printable.js';
import type { Credentials } from './credentials.js';
import type { RegistryHttp } from './http.js';
import { readCapped, readErrorBody } from './read-body.js';

// The distribution token spec: `token` (or the OAuth2 name `access_token`), lifetime in seconds.
const tokenResponseSchema = z
  .object({
    token: z.string().min(1).optional(),
    access_token: z.string().min(1).optional(),
    expires_in: z.number().int().positive().optional(),
    issued_at: z.string().optional(),
  })
  .refine((value) => value.token !== undefined || value.access_token !== undefined, {
    error: 'neither token nor access_token',
  });

/** Tokens live at least this long when the server does not say (the spec's default). */
const DEFAULT_LIFETIME_S = 60;
/** Renew a little early so a token does not expire between our check and the request. */
const SKEW_MS = 10_000;

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** Shared by every client in the process: one token per realm, service, scope and identity. */
const cache = new Map<string, CachedToken>();

export interface TokenRequest {
  readonly realm: string;
  readonly service: string | undefined;
  readonly scopes: readonly string[];
  readonly credentials: Credentials | undefined;
  /** For messages: the registry host and repository the token is for. */
  readonly registry: string;
  readonly repository: string;
}

function identity(credentials: Credentials | undefined): string {
  if (!credentials) return 'anonymous';
  const secret =
    credentials.kind === 'basic'
      ? `${credentials.username}\0${credentials.password}`
      : credentials.token;
  // Keyed by a hash so the cache's keys are not themselves secrets.
  return createHash('sha256').update(`${credentials.kind}\0${secret}`).digest('hex');
}

function cacheKey(request: TokenRequest): string {
  return [
    request.realm,
    request.service ?? '',
    ...request.scopes,
    identity(request.credentials),
  ].join('\n');
}

/** Forgets a token the registry refused (it may have been revoked before its expiry). */
export function forgetToken(request: TokenRequest): void {
  cache.delete(cacheKey(request));
}

function realmUrl(request: TokenRequest, http: RegistryHttp): URL {
  let url: URL;
  try {
    url = new URL(request.realm);
  } catch {
    throw new ImageError(
      'REGISTRY_ERROR',
      `${request.registry}: the auth challenge names an invalid realm "${printable(request.realm)}"`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ImageError(
      'REGISTRY_ERROR',
      `${request.registry}: the auth realm must be an http(s) URL, not "${printable(url.protocol)}"`,
    );
  }
  if (url.protocol === 'http:' && request.credentials && !http.isInsecureHostname(url.hostname)) {
    throw new ImageError(
      'UNAUTHORIZED',
      `${request.registry}: refusing to send credentials over plain HTTP to the token service at ${url.host}`,
    );
  }
  return url;
}

/**
 * Gets a bearer token for a scope from the registry's token service (distribution token auth
 * spec), with a cache until shortly before expiry. Basic credentials go to the realm with GET; an
 * identity token is exchanged with the OAuth2 refresh-token POST, as the docker CLI does.
 */
export async function fetchToken(request: TokenRequest, http: RegistryHttp): Promise<string> {
  const key = cacheKey(request);
  const hit = cache.get(key);
  if (hit && hit.expiresAt > Date.now()) return hit.token;
  const url = realmUrl(request, http);
  const credentials = request.credentials;
  let response;
  if (credentials?.kind === 'identity-token') {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credentials.token,
      client_id: 'lockyard',
    });
    if (request.service) form.set('service', request.service);
    form.set('scope', request.scopes.join(' '));
    response = await http.send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  } else {
    if (request.service) url.searchParams.set('service', request.service);
    for (const scope of request.scopes) url.searchParams.append('scope', scope);
    if (credentials?.kind === 'basic') url.searchParams.set('account', credentials.username);
    const authorization =
      credentials?.kind === 'basic'
        ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
        : undefined;
    response = await http.send(url, { authorization });
  }
  const where = `${request.registry}/${request.repository}`;
  if (response.status === 401 || response.status === 403) {
    await readErrorBody(response);
    throw new ImageError(
      response.status === 401 ? 'UNAUTHORIZED' : 'DENIED',
      `${where}: the token service at ${url.host} refused ${credentials ? 'the credentials given' : 'anonymous access'} (${response.status}); ${credentials ? 'check them' : 'log in with --username and --password-stdin, or docker login'}`,
    );
  }
  if (response.status !== 200) {
    await readErrorBody(response);
    throw new ImageError(
      'REGISTRY_ERROR',
      `${where}: the token service at ${url.host} answered ${response.status}`,
    );
  }
  const body = await readCapped(response, 1024 * 1024, `${where}: token response`);
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ImageError(
      'REGISTRY_ERROR',
      `${where}: the token service at ${url.host} answered with invalid JSON`,
    );
  }
  const parsed = tokenResponseSchema.safeParse(value);
  if (!parsed.success) {
    throw new ImageError(
      'REGISTRY_ERROR',
      `${where}: token response from ${url.host}: ${describeIssues(parsed.error)}`,
    );
  }
  const token = parsed.data.token ?? parsed.data.access_token ?? '';
  const issued = parsed.data.issued_at ? Date.parse(parsed.data.issued_at) : Number.NaN;
  const start = Number.isFinite(issued) && issued <= Date.now() ? issued : Date.now();
  const lifetime =
    Math.max(parsed.data.expires_in ?? DEFAULT_LIFETIME_S, DEFAULT_LIFETIME_S) * 1000;
  cache.set(key, { token, expiresAt: start + lifetime - SKEW_MS });
  return token;
}
