import { parseWwwAuthenticate, type Challenge } from './challenge.js';
import { loadCredentials, type Credentials } from './credentials.js';
import type { HttpResponse, RegistryHttp } from './http.js';
import type { RegistryOptions } from './options.js';
import { fetchToken, forgetToken, type TokenRequest } from './token.js';

function allChallenges(response: HttpResponse): Challenge[] {
  const raw = response.headers['www-authenticate'];
  const values = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return values.flatMap(parseWwwAuthenticate);
}

/**
 * Scopes with the actions on one resource joined (`repository:a:pull,push` and the challenge's
 * `repository:a:pull` are one scope), in first-seen order, so a token request asks each once.
 */
export function mergeScopes(scopes: readonly string[]): string[] {
  const merged = new Map<string, string[]>();
  for (const scope of scopes) {
    const split = scope.lastIndexOf(':');
    const resource = split > scope.indexOf(':') ? scope.slice(0, split) : scope;
    const actions =
      split > scope.indexOf(':')
        ? scope
            .slice(split + 1)
            .split(',')
            .filter(Boolean)
        : [];
    const known = merged.get(resource) ?? [];
    for (const action of actions) if (!known.includes(action)) known.push(action);
    merged.set(resource, known);
  }
  return [...merged].map(([resource, actions]) =>
    actions.length > 0 ? `${resource}:${actions.join(',')}` : resource,
  );
}

/**
 * The Authorization header for one repository of one registry. It starts empty (anonymous) and
 * answers each 401 by following the challenge: Basic with the user's credentials, or Bearer with
 * a token for its scopes (`repository:NAME:pull`, or `pull,push` for a push) plus any the
 * challenge names, from the realm the registry names. Credentials are looked
 * up lazily, so a public registry never runs a credential helper.
 */
export class RegistryAuth {
  private current: string | undefined;
  private credentials: Promise<Credentials | undefined> | undefined;
  private lastToken: TokenRequest | undefined;

  /** The token scopes to ask for: `repository:NAME:pull` by default, `pull,push` to push, plus `pull` on mount sources. */
  private readonly scopes: readonly string[];

  constructor(
    private readonly registry: string,
    private readonly repository: string,
    private readonly options: RegistryOptions,
    private readonly http: RegistryHttp,
    scopes?: readonly string[],
  ) {
    this.scopes = scopes ?? [`repository:${repository}:pull`];
  }

  get authorization(): string | undefined {
    return this.current;
  }

  /** Whether credentials were presented (for the wording of a refusal). */
  async hasCredentials(): Promise<boolean> {
    return (await this.loadCredentials()) !== undefined;
  }

  private loadCredentials(): Promise<Credentials | undefined> {
    this.credentials ??= loadCredentials(this.registry, this.options);
    return this.credentials;
  }

  /**
   * Reacts to a 401: returns true when a new Authorization header is worth a retry, false when
   * there is nothing new to try (the caller then reports the refusal).
   */
  async onUnauthorized(response: HttpResponse): Promise<boolean> {
    const challenges = allChallenges(response);
    const credentials = await this.loadCredentials();
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer');
    const basic = challenges.find((challenge) => challenge.scheme === 'basic');
    let next: string | undefined;
    if (credentials?.kind === 'registry-token') {
      next = `Bearer ${credentials.token}`;
    } else if (bearer?.params['realm']) {
      if (this.lastToken) forgetToken(this.lastToken);
      const offered = (bearer.params['scope'] ?? '').split(' ').filter(Boolean);
      const request: TokenRequest = {
        realm: bearer.params['realm'],
        service: bearer.params['service'],
        scopes: mergeScopes([...this.scopes, ...offered]),
        credentials,
        registry: this.registry,
        repository: this.repository,
      };
      this.lastToken = request;
      next = `Bearer ${await fetchToken(request, this.http)}`;
    } else if (basic && credentials?.kind === 'basic') {
      next = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    if (next === undefined || next === this.current) return false;
    this.current = next;
    return true;
  }
}
