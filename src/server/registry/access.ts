import type { IncomingHttpHeaders } from 'node:http';

export type RegistryAction = 'pull' | 'push' | 'delete' | 'catalog';

/** Actions on one repository, named in a challenge beside the decided ones. */
export interface ScopeRequest {
  readonly repository: string;
  readonly actions: readonly RegistryAction[];
}

export interface AccessRequest {
  /** Undefined for registry-wide endpoints (`/v2/`, `/v2/_catalog`). */
  readonly repository: string | undefined;
  readonly actions: readonly RegistryAction[];
  /**
   * Scopes asked for but not required: the decision is about `repository` and `actions` alone,
   * these only join the scope of a 401 challenge, after the decided one. A cross-repository
   * mount names pull on its source this way (as Distribution does), so a client that follows
   * the challenge gets a token that can mount; without it the mount falls back to an upload.
   */
  readonly optionalScopes?: readonly ScopeRequest[] | undefined;
  readonly headers: IncomingHttpHeaders;
  /** The peer's address (failed-login limits, audit); undefined when not known. */
  readonly remoteAddress?: string | undefined;
}

export type AccessDecision =
  | {
      readonly allowed: true;
      readonly subject?: string;
      /**
       * On an allowed catalog request: which repositories this caller may see listed (the
       * registry pages through its list and shows only these). Undefined: every repository.
       */
      readonly visibleInCatalog?: (repository: string) => boolean;
    }
  | {
      readonly allowed: false;
      /** 429 when the source made too many failed logins (`headers` then holds Retry-After). */
      readonly status: 401 | 403 | 429;
      readonly challenge?: string;
      readonly reason: string;
      readonly headers?: Readonly<Record<string, string>>;
    };

/**
 * Decides, per request, whether the caller may perform `actions` on `repository`. The registry
 * calls it before every handler; `src/server/identity` implements it with roles and token auth.
 */
export interface RegistryAccess {
  authorize(request: AccessRequest): AccessDecision | Promise<AccessDecision>;
}

const ALLOWED: AccessDecision = { allowed: true };

/** Anyone may do anything: the default until identities exist. */
export const allowAllAccess: RegistryAccess = {
  authorize: () => ALLOWED,
};
