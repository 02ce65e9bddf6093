import type { IdentityStore } from '../../store/index.js';
import type { AdminContext, Caller } from './admin-context.js';
import { Authenticator } from './authenticator.js';
import { parseAuthorization, type PresentedCredentials } from './credentials.js';
import type { Directory } from './directory.js';
import { IdentityError } from './errors.js';
import type { IdentityEvents } from './events.js';
import { LoginLimiter, type LoginLimits } from './login-limiter.js';
import { grantAccess, projectPermissions } from './permissions.js';
import { actorName, ANONYMOUS, type Principal } from './principal.js';
import { formatScope, type AccessEntry } from './scopes.js';
import type { ProjectPermission } from './roles.js';
import type { TokenService } from './token-service.js';

export interface TokenRequest {
  readonly credentials: PresentedCredentials;
  readonly scopes: readonly AccessEntry[];
  /** The `service` parameter; when given it must be ours. */
  readonly service: string | undefined;
  /** `offline_token=true` (GET) or `access_type=offline` (POST): also issue a refresh token. */
  readonly offline: boolean;
  readonly source: string;
}

/** The token endpoint's answer (distribution token spec; `access_token` for OAuth2 clients). */
export interface TokenResponse {
  readonly token: string;
  readonly access_token: string;
  readonly expires_in: number;
  readonly issued_at: string;
  readonly refresh_token?: string;
  readonly scope?: string;
}

export interface IdentityServiceOptions {
  readonly store: IdentityStore;
  readonly directory: Directory;
  readonly tokens: TokenService;
  readonly events: IdentityEvents;
  readonly limits: LoginLimits;
  readonly projectHasRepositories: (project: string) => Promise<boolean>;
  readonly now?: () => number;
}

/** Sign-in, tokens and the shared state of the admin operations (`user-admin.ts`, `project-admin.ts`, `robot-admin.ts`). */
export class IdentityService {
  readonly admin: AdminContext;
  readonly authenticator: Authenticator;
  readonly tokens: TokenService;
  readonly directory: Directory;
  readonly events: IdentityEvents;

  constructor(options: IdentityServiceOptions) {
    const now = options.now ?? Date.now;
    this.directory = options.directory;
    this.tokens = options.tokens;
    this.events = options.events;
    this.authenticator = new Authenticator({
      directory: options.directory,
      limiter: new LoginLimiter(options.limits, now),
      events: options.events,
      now,
    });
    this.admin = {
      authenticator: this.authenticator,
      store: options.store,
      directory: options.directory,
      events: options.events,
      now,
      projectHasRepositories: options.projectHasRepositories,
    };
  }

  /** The caller of an admin API request: Basic credentials, a bearer token, or anonymous. */
  async caller(authorization: string | string[] | undefined, source: string): Promise<Caller> {
    const credentials = parseAuthorization(authorization);
    if (credentials.kind === 'none') return { principal: ANONYMOUS, source };
    if (credentials.kind === 'basic')
      return {
        principal: await this.authenticator.basic(
          credentials.username,
          credentials.password,
          source,
        ),
        source,
      };
    const claims = await this.tokens.verifyAccess(credentials.token);
    return { principal: await this.authenticator.ofToken(claims), source };
  }

  /**
   * What a caller may do in a project (the role matrix in README.md), for other services' APIs
   * (scan gates, webhooks) that need a project-level check rather than the registry's actions.
   */
  async permissionsIn(caller: Caller, project: string): Promise<ReadonlySet<ProjectPermission>> {
    return projectPermissions(this.directory, caller.principal, project);
  }

  /** GET /token and the OAuth2 password grant: sign in (or stay anonymous) and grant what is allowed of the scopes. */
  async issueToken(request: TokenRequest): Promise<TokenResponse> {
    this.#checkService(request.service);
    let principal: Principal = ANONYMOUS;
    if (request.credentials.kind === 'basic') {
      principal = await this.authenticator.basic(
        request.credentials.username,
        request.credentials.password,
        request.source,
      );
    } else if (request.credentials.kind === 'bearer') {
      throw new IdentityError(
        'UNAUTHORIZED',
        'the token endpoint takes Basic credentials (or none for anonymous access), not a bearer token',
      );
    }
    return this.#issue(principal, request.scopes, request.offline, request.source);
  }

  /** The OAuth2 refresh_token grant: a new access token for the refresh token's account, if it is still valid. */
  async refresh(
    refreshToken: string,
    scopes: readonly AccessEntry[],
    service: string | undefined,
    source: string,
  ): Promise<TokenResponse> {
    this.#checkService(service);
    const claims = await this.tokens.verifyRefresh(refreshToken);
    const principal = await this.authenticator.ofToken({
      sub: claims.sub,
      access: [],
      credentialVersion: claims.credentialVersion,
      expiresAt: 0,
    });
    return this.#issue(principal, scopes, false, source, refreshToken);
  }

  #checkService(service: string | undefined): void {
    if (service !== undefined && service !== this.tokens.settings.service) {
      throw new IdentityError(
        'INVALID_REQUEST',
        `unknown service "${service.slice(0, 80)}": this token server issues tokens for "${this.tokens.settings.service}"`,
      );
    }
  }

  async #issue(
    principal: Principal,
    scopes: readonly AccessEntry[],
    offline: boolean,
    source: string,
    refreshToken?: string,
  ): Promise<TokenResponse> {
    const access = await grantAccess(this.directory, principal, scopes);
    const subject = principal.kind === 'anonymous' ? '' : principal.name;
    const credentialVersion = principal.kind === 'user' ? principal.credentialVersion : undefined;
    const issued = await this.tokens.issueAccess(subject, access, credentialVersion);
    const refresh =
      offline && principal.kind !== 'anonymous'
        ? await this.tokens.issueRefresh(subject, credentialVersion)
        : refreshToken;
    if (principal.kind !== 'anonymous') {
      this.events.publish({
        actor: actorName(principal),
        action: 'token.issue',
        target: access.map(formatScope).join(' ') || 'registry',
        result: 'success',
        source,
      });
    }
    const scope = access.map(formatScope).join(' ');
    return {
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt,
      ...(refresh === undefined ? {} : { refresh_token: refresh }),
      ...(scope === '' ? {} : { scope }),
    };
  }
}
