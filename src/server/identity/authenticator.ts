import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { UserRecord } from '../../store/index.js';
import type { Directory } from './directory.js';
import { IdentityError, invalidCredentials } from './errors.js';
import type { IdentityEvents } from './events.js';
import type { LoginLimiter } from './login-limiter.js';
import { isRobotAccountName } from './names.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { ANONYMOUS, type Principal } from './principal.js';
import { robotPrincipal, robotUnusable } from './robot-accounts.js';
import { verifyRobotSecret } from './robot-secret.js';
import type { AccessClaims } from './token-service.js';

// A verified password is remembered (as an HMAC under a per-process key, never in clear) for a
// few minutes, so clients that send Basic credentials on every request do not pay a memory-hard
// hash each time. A password change bumps the credential version, which ends the entry.
const LOGIN_CACHE_MS = 5 * 60 * 1000;
const LOGIN_CACHE_ENTRIES = 10_000;

interface CachedLogin {
  readonly user: string;
  readonly credentialVersion: number;
  readonly until: number;
}

export interface AuthenticatorOptions {
  readonly directory: Directory;
  readonly limiter: LoginLimiter;
  readonly events: IdentityEvents;
  readonly now?: () => number;
}

/** Turns presented credentials (Basic user or robot, or a verified token) into a Principal. */
export class Authenticator {
  readonly #directory: Directory;
  readonly #limiter: LoginLimiter;
  readonly #events: IdentityEvents;
  readonly #now: () => number;
  readonly #cacheKey = randomBytes(32);
  readonly #logins = new Map<string, CachedLogin>();
  // Verifying against this when the user does not exist takes as long as a real check.
  #decoy: Promise<string> | undefined;

  constructor(options: AuthenticatorOptions) {
    this.#directory = options.directory;
    this.#limiter = options.limiter;
    this.#events = options.events;
    this.#now = options.now ?? Date.now;
  }

  /** Refuses a source that failed too often, before any password work is done. */
  checkLimit(source: string): void {
    const retryAfter = this.#limiter.retryAfterSeconds(source);
    if (retryAfter > 0) {
      throw new IdentityError(
        'TOO_MANY_REQUESTS',
        `too many failed logins from this address; try again in ${retryAfter} s`,
        {
          headers: { 'Retry-After': String(retryAfter) },
        },
      );
    }
  }

  /** Checks a user name and password (or robot name and secret); every failure reads the same. */
  async basic(username: string, password: string, source: string): Promise<Principal> {
    this.checkLimit(source);
    const principal = isRobotAccountName(username)
      ? await this.#robot(username, password)
      : await this.#user(username, password);
    if (!principal) {
      this.#limiter.recordFailure(source);
      this.#events.publish({
        actor: username.slice(0, 128),
        action: 'login',
        target: username.slice(0, 128),
        result: 'failure',
        source,
        reason: 'invalid credentials',
      });
      throw invalidCredentials();
    }
    return principal;
  }

  /**
   * Checks a signed-in user's current password (to change it), under the same failed-login
   * limit: a stolen token must not become a way to guess the password.
   */
  async confirmPassword(user: UserRecord, password: string, source: string): Promise<boolean> {
    this.checkLimit(source);
    if (await verifyPassword(password, user.passwordHash)) return true;
    this.#limiter.recordFailure(source);
    this.#events.publish({
      actor: user.name,
      action: 'login',
      target: user.name,
      result: 'failure',
      source,
      reason: 'wrong current password',
    });
    return false;
  }

  async #user(name: string, password: string): Promise<Principal | undefined> {
    const key = createHmac('sha256', this.#cacheKey)
      .update(name)
      .update('\0')
      .update(password)
      .digest('base64');
    const cached = this.#logins.get(key);
    const user = await this.#directory.user(name);
    if (
      cached &&
      cached.until > this.#now() &&
      user &&
      user.credentialVersion === cached.credentialVersion
    ) {
      return {
        kind: 'user',
        name: user.name,
        admin: user.admin,
        credentialVersion: user.credentialVersion,
      };
    }
    if (!user) {
      this.#decoy ??= hashPassword(randomUUID());
      await verifyPassword(password, await this.#decoy);
      return undefined;
    }
    if (!(await verifyPassword(password, user.passwordHash))) return undefined;
    if (this.#logins.size >= LOGIN_CACHE_ENTRIES) this.#logins.clear();
    this.#logins.set(key, {
      user: user.name,
      credentialVersion: user.credentialVersion,
      until: this.#now() + LOGIN_CACHE_MS,
    });
    return {
      kind: 'user',
      name: user.name,
      admin: user.admin,
      credentialVersion: user.credentialVersion,
    };
  }

  async #robot(name: string, secret: string): Promise<Principal | undefined> {
    const robot = await this.#directory.robot(name);
    if (!robot || !verifyRobotSecret(secret, robot.secretHash)) return undefined;
    // Only someone holding the secret learns that the account is revoked or expired.
    const unusable = robotUnusable(robot, this.#now());
    if (unusable !== undefined) throw new IdentityError('UNAUTHORIZED', unusable);
    return robotPrincipal(robot);
  }

  /**
   * The principal behind a verified token, from memory when possible (undefined: look it up with
   * `ofToken`). A deleted user, a changed password, a revoked or expired robot end their tokens
   * at once, not only when the token expires.
   */
  peekToken(claims: AccessClaims): Principal | 'invalid' | undefined {
    if (claims.sub === '') return ANONYMOUS;
    if (isRobotAccountName(claims.sub)) {
      const robot = this.#directory.peekRobot(claims.sub);
      if (robot === undefined) return undefined;
      if (robot === null || robotUnusable(robot, this.#now()) !== undefined) return 'invalid';
      return robotPrincipal(robot);
    }
    const user = this.#directory.peekUser(claims.sub);
    if (user === undefined) return undefined;
    if (user === null || user.credentialVersion !== claims.credentialVersion) return 'invalid';
    return {
      kind: 'user',
      name: user.name,
      admin: user.admin,
      credentialVersion: user.credentialVersion,
    };
  }

  async ofToken(claims: AccessClaims): Promise<Principal> {
    const peeked = this.peekToken(claims);
    if (peeked === 'invalid')
      throw new IdentityError(
        'INVALID_TOKEN',
        'the account this token was issued to is no longer valid',
      );
    if (peeked) return peeked;
    if (isRobotAccountName(claims.sub)) await this.#directory.robot(claims.sub);
    else await this.#directory.user(claims.sub);
    const loaded = this.peekToken(claims);
    if (loaded === 'invalid' || loaded === undefined)
      throw new IdentityError(
        'INVALID_TOKEN',
        'the account this token was issued to is no longer valid',
      );
    return loaded;
  }
}
