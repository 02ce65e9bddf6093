import type { IncomingHttpHeaders } from 'node:http';
import type {
  AccessDecision,
  AccessRequest,
  RegistryAction,
  RegistryAccess,
} from '../registry/index.js';
import { parseAuthorization, type PresentedCredentials } from './credentials.js';
import { IdentityError } from './errors.js';
import type { IdentityService } from './identity-service.js';
import { projectOf } from './names.js';
import { accessCovers, catalogProjects, projectPermissions } from './permissions.js';
import { actorName, isSystemAdmin, type Principal } from './principal.js';
import { realmFor, type RealmOptions } from './realm.js';
import { bearerChallenge, type AccessEntry, type ChallengeOptions } from './scopes.js';
import type { AccessClaims } from './token-service.js';

type Decision = AccessDecision | Promise<AccessDecision>;

function scopeOf(request: AccessRequest): AccessEntry | undefined {
  if (request.actions.includes('catalog'))
    return { type: 'registry', name: 'catalog', actions: ['*'] };
  if (request.repository === undefined || request.actions.length === 0) return undefined;
  return { type: 'repository', name: request.repository, actions: request.actions };
}

/** The decided scope first, then the optional ones (a mount's source), as the challenge names them. */
function challengeScopes(request: AccessRequest): AccessEntry[] {
  const scope = scopeOf(request);
  if (!scope) return [];
  const optional = (request.optionalScopes ?? []).map((extra): AccessEntry => ({
    type: 'repository',
    name: extra.repository,
    actions: extra.actions,
  }));
  return [scope, ...optional];
}

function describe(actions: readonly RegistryAction[]): string {
  return actions.join(' and ');
}

/**
 * The registry's access decisions from identities and roles, as the distribution token auth
 * spec has it: anonymous requests get a 401 with a Bearer challenge naming the realm, service
 * and scope (unless the project allows anonymous pull); bearer tokens must carry the actions in
 * their `access` claim (else 401 with `error="insufficient_scope"`, so clients fetch a new token);
 * Basic credentials are accepted too and checked against the roles directly (403 when the account
 * lacks the role). A repeated token on a cached account is decided without awaiting, which keeps
 * the registry's manifest fast path.
 */
export function createRegistryAccess(
  identity: IdentityService,
  realm: RealmOptions,
): RegistryAccess {
  const service = identity.tokens.settings.service;

  function challenge(
    headers: IncomingHttpHeaders,
    scopes: readonly AccessEntry[],
    error?: ChallengeOptions['error'],
  ): string {
    return bearerChallenge({ realm: realmFor(realm, headers), service, scopes, error });
  }

  function unauthorized(
    request: AccessRequest,
    reason: string,
    error?: ChallengeOptions['error'],
  ): AccessDecision {
    return {
      allowed: false,
      status: 401,
      challenge: challenge(request.headers, challengeScopes(request), error),
      reason,
    };
  }

  function refused(request: AccessRequest, principal: Principal, reason: string): AccessDecision {
    identity.events.publish({
      actor: actorName(principal),
      action: 'registry.access',
      target: request.repository ?? 'registry',
      result: 'denied',
      source: request.remoteAddress,
      reason: describe(request.actions),
    });
    return { allowed: false, status: 403, reason };
  }

  function fromError(request: AccessRequest, error: unknown): AccessDecision {
    if (!(error instanceof IdentityError)) throw error;
    if (error.code === 'TOO_MANY_REQUESTS')
      return { allowed: false, status: 429, reason: error.message, headers: error.headers };
    if (error.code === 'DENIED') return { allowed: false, status: 403, reason: error.message };
    return unauthorized(
      request,
      error.message,
      error.code === 'INVALID_TOKEN' ? 'invalid_token' : undefined,
    );
  }

  /** Push into a project that does not exist: refused, except for system admins, for whom it is created. */
  function projectForPush(
    request: AccessRequest,
    principal: Principal,
    allowed: AccessDecision,
  ): Decision {
    if (!request.actions.includes('push') || request.repository === undefined) return allowed;
    const project = projectOf(request.repository);
    if (identity.directory.project(project)) return allowed;
    if (!isSystemAdmin(principal))
      return refused(
        request,
        principal,
        `project ${project} does not exist; a system administrator must create it first`,
      );
    return identity.admin.store
      .createProject({
        name: project,
        anonymousPull: false,
        createdAt: identity.admin.now(),
        createdBy: actorName(principal),
      })
      .then(async (created) => {
        const record = created.ok ? created.record : await identity.admin.store.getProject(project);
        if (record) {
          identity.directory.setProject(record);
          if (created.ok) identity.directory.setRules(project, []);
        }
        if (created.ok)
          identity.events.publish({
            actor: actorName(principal),
            action: 'project.create',
            target: project,
            result: 'success',
            source: request.remoteAddress,
          });
        return allowed;
      });
  }

  /**
   * An allowed catalog request: the decision carries which repositories the principal may see
   * (those of the projects it may pull from), worked out per request so a role change counts at
   * once; system admins see everything.
   */
  async function catalog(principal: Principal): Promise<AccessDecision> {
    const subject = actorName(principal);
    const projects = await catalogProjects(identity.directory, principal);
    if (projects === 'all') return { allowed: true, subject };
    return {
      allowed: true,
      subject,
      visibleInCatalog: (repository) => projects.has(projectOf(repository)),
    };
  }

  function anonymous(request: AccessRequest): AccessDecision {
    const repository = request.repository;
    const pullOnly =
      request.actions.length > 0 && request.actions.every((action) => action === 'pull');
    if (
      repository !== undefined &&
      pullOnly &&
      identity.directory.project(projectOf(repository))?.anonymousPull === true
    )
      return { allowed: true };
    return unauthorized(request, 'authentication required');
  }

  function withToken(request: AccessRequest, claims: AccessClaims, principal: Principal): Decision {
    const allowed: AccessDecision = { allowed: true, subject: actorName(principal) };
    const scope = scopeOf(request);
    if (!scope) return allowed;
    if (
      !accessCovers(
        claims.access,
        scope.type,
        scope.name,
        scope.type === 'registry' ? ['*'] : scope.actions,
      )
    ) {
      const what = scope.type === 'registry' ? 'the catalog' : `repository ${scope.name}`;
      const reason =
        principal.kind === 'anonymous'
          ? `authentication required to ${describe(request.actions)} ${what}`
          : `the token does not grant ${describe(request.actions)} on ${what}`;
      return unauthorized(request, reason, 'insufficient_scope');
    }
    if (scope.type === 'registry') return catalog(principal);
    return projectForPush(request, principal, allowed);
  }

  async function bearer(request: AccessRequest, token: string): Promise<AccessDecision> {
    try {
      const claims = await identity.tokens.verifyAccess(token);
      return await withToken(request, claims, await identity.authenticator.ofToken(claims));
    } catch (error) {
      if (error instanceof IdentityError) {
        identity.events.publish({
          actor: 'unknown',
          action: 'registry.access',
          target: request.repository ?? 'registry',
          result: 'failure',
          source: request.remoteAddress,
          reason: error.message,
        });
      }
      return fromError(request, error);
    }
  }

  async function basic(
    request: AccessRequest,
    credentials: Extract<PresentedCredentials, { kind: 'basic' }>,
  ): Promise<AccessDecision> {
    let principal: Principal;
    try {
      principal = await identity.authenticator.basic(
        credentials.username,
        credentials.password,
        request.remoteAddress ?? 'unknown',
      );
    } catch (error) {
      return fromError(request, error);
    }
    const allowed: AccessDecision = { allowed: true, subject: actorName(principal) };
    const scope = scopeOf(request);
    if (!scope) return allowed;
    if (scope.type === 'registry') return catalog(principal);
    const held = await projectPermissions(identity.directory, principal, projectOf(scope.name));
    const missing = request.actions.filter((action) => action !== 'catalog' && !held.has(action));
    if (missing.length > 0)
      return refused(
        request,
        principal,
        `${actorName(principal)} may not ${describe(missing)} repository ${scope.name}`,
      );
    return projectForPush(request, principal, allowed);
  }

  // The registry may ask twice about one request (its fast path, then the full handler, when the
  // first answer was not synchronous). One password check per request: the second ask gets the
  // first one's promise, so failures are counted once and no discarded promise can go unhandled.
  const pending = new WeakMap<IncomingHttpHeaders, Map<string, Promise<AccessDecision>>>();
  function once(
    request: AccessRequest,
    decide: () => Promise<AccessDecision>,
  ): Promise<AccessDecision> {
    const key = `${request.repository ?? ''}\0${request.actions.join(',')}`;
    let asked = pending.get(request.headers);
    if (!asked) {
      asked = new Map();
      pending.set(request.headers, asked);
    }
    const earlier = asked.get(key);
    if (earlier) return earlier;
    const decision = decide();
    decision.catch(() => undefined);
    asked.set(key, decision);
    return decision;
  }

  return {
    authorize(request: AccessRequest): Decision {
      let credentials: PresentedCredentials;
      try {
        credentials = parseAuthorization(request.headers.authorization);
      } catch (error) {
        return fromError(request, error);
      }
      if (credentials.kind === 'none') return anonymous(request);
      if (credentials.kind === 'basic') {
        // A failed password is counted against its source address; without one (the registry's
        // fast path does not pass it) the check waits for the full path, which asks again with it.
        if (request.remoteAddress === undefined)
          return unauthorized(request, 'authentication required');
        return once(request, () => basic(request, credentials));
      }
      // The hot path: a token verified before, for an account still in memory, is decided synchronously.
      const claims = identity.tokens.peekAccess(credentials.token);
      const principal = claims ? identity.authenticator.peekToken(claims) : undefined;
      if (claims && principal !== undefined && principal !== 'invalid')
        return withToken(request, claims, principal);
      return once(request, () => bearer(request, credentials.token));
    },
  };
}
