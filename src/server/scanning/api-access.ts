import type { FastifyRequest } from 'fastify';
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
 * API decisions through the registry's own access hook, so the API is exactly as open as the
 * registry: reading a repository's scan needs pull on it; changing a project's gate or webhooks
 * and reading the audit log need the registry-wide `catalog` right, which only system
 * administrators hold. (A project-level "settings" check can replace the middle rule once the
 * identity service offers one outside its own folder.)
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
