import type { IncomingHttpHeaders } from 'node:http';

export type RegistryAction = 'pull' | 'push' | 'delete' | 'catalog';

export interface AccessRequest {
  /** Undefined for registry-wide endpoints (`/v2/`, `/v2/_catalog`). */
  readonly repository: string | undefined;
  readonly actions: readonly RegistryAction[];
  readonly headers: IncomingHttpHeaders;
}

export type AccessDecision =
  | { readonly allowed: true; readonly subject?: string }
  | { readonly allowed: false; readonly status: 401 | 403; readonly challenge?: string; readonly reason: string };

/**
 * Decides, per request, whether the caller may perform `actions` on `repository`. The registry
 * calls it before every handler; identity, roles and token auth plug in here later.
 */
export interface RegistryAccess {
  authorize(request: AccessRequest): AccessDecision | Promise<AccessDecision>;
}

const ALLOWED: AccessDecision = { allowed: true };

/** Anyone may do anything: the default until identities exist. */
export const allowAllAccess: RegistryAccess = {
  authorize: () => ALLOWED,
};
