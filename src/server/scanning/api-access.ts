import type { FastifyRequest } from 'fastify';
import {
  IdentityError,
  isSystemAdmin,
  type Caller,
  type IdentityService,
} from '../identity/index.js';
import type { AccessDecision, RegistryAccess } from '../registry/index.js';
import { ScanningError } from './errors.js';

/** What an API call needs: read a repository's results, administer a project, or administer the server. */
export type ApiNeed =
  | { readonly kind: 'read'; readonly repository: string }
  | { readonly kind: 'project-admin'; readonly project: string }
  | { readonly kind: 'system-admin' };

/** Who made an allowed call, for the audit log. */
export interface ApiCaller {
  readonly actor: string;
  readonly address: string | undefined;
}

/** Decides API calls of the scanning, webhook and audit endpoints; throws a 401/403 ScanningError. */
export interface ApiAccess {
  authorize(request: FastifyRequest, need: ApiNeed): Promise<ApiCaller>;
}

function refusal(decision: Extract<AccessDecision, { allowed: false }>): ScanningError {
  const headers: Record<string, string> = { ...decision.headers };
  if (decision.challenge) headers['WWW-Authenticate'] = decision.challenge;
  const code =
    decision.status === 401
      ? 'UNAUTHORIZED'
      : decision.status === 429
        ? 'TOO_MANY_REQUESTS'
        : 'DENIED';
  return new ScanningError(code, decision.reason, { headers });
}

/**
 * API decisions for a server without identities, through the registry's own access hook (which
 * then allows everything): reading a repository's scan needs pull on it, administration the
 * catalog right. With identities, `identityApiAccess` decides administration itself: every
 * signed-in caller holds the catalog right there (for its own projects), so it proves nothing.
 */
export function registryApiAccess(access: RegistryAccess): ApiAccess {
  return {
    async authorize(request, need) {
      const decision = await access.authorize({
        repository: need.kind === 'read' ? need.repository : undefined,
        actions: need.kind === 'read' ? ['pull'] : ['catalog'],
        headers: request.headers,
        remoteAddress: request.ip,
      });
      if (!decision.allowed) throw refusal(decision);
      return { actor: decision.subject ?? 'anonymous', address: request.ip };
    },
  };
}

function fromIdentityError(error: IdentityError): ScanningError {
  const code =
    error.status === 401
      ? 'UNAUTHORIZED'
      : error.status === 429
        ? 'TOO_MANY_REQUESTS'
        : error.status === 403
          ? 'DENIED'
          : 'INVALID_REQUEST';
  return new ScanningError(code, error.message, { headers: error.headers });
}

/**
 * With identities on: reading results and system administration as the registry decides them,
 * and project administration (scan policy, webhooks, rescans of one image) by the project's
 * "settings" permission: its project admins and system administrators, never robots.
 */
export function identityApiAccess(
  identity: IdentityService,
  registry: RegistryAccess,
  realm: string,
): ApiAccess {
  const viaRegistry = registryApiAccess(registry);
  return {
    async authorize(request, need) {
      if (need.kind === 'read') return viaRegistry.authorize(request, need);
      let caller: Caller;
      try {
        caller = await identity.caller(request.headers.authorization, request.ip);
      } catch (error) {
        if (error instanceof IdentityError) throw fromIdentityError(error);
        throw error;
      }
      const principal = caller.principal;
      if (principal.kind === 'anonymous') {
        throw new ScanningError(
          'UNAUTHORIZED',
          'authentication required: sign in with a user name and password or a token',
          {
            headers: { 'WWW-Authenticate': `Basic realm="${realm}", charset="UTF-8"` },
          },
        );
      }
      // System administration (the audit log, rescans of everything) is decided by identity
      // itself, never inferred from a registry right that others may also hold.
      if (need.kind === 'system-admin') {
        if (!isSystemAdmin(principal))
          throw new ScanningError(
            'DENIED',
            `${principal.name} is not a system administrator: only they may do this`,
          );
        return { actor: principal.name, address: request.ip };
      }
      if (principal.kind === 'robot')
        throw new ScanningError(
          'DENIED',
          `robot account ${principal.name} cannot change the settings of project ${need.project}`,
        );
      // The role matrix lives in identity: ask it rather than re-deriving roles here.
      if (!(await identity.permissionsIn(caller, need.project)).has('settings')) {
        throw new ScanningError(
          'DENIED',
          `${principal.name} may not change the settings of project ${need.project}`,
        );
      }
      return { actor: principal.name, address: request.ip };
    },
  };
}
