import { randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import * as z from 'zod';
import { IdentityError } from './errors.js';
import type { AccessEntry } from './scopes.js';
import type { SigningKey } from './token-keys.js';

export interface TokenSettings {
  /** `iss` of every token. */
  readonly issuer: string;
  /** `aud` of every token: the `service` of the challenges. */
  readonly service: string;
  readonly ttlSeconds: number;
  readonly refreshTtlSeconds: number;
}

/** What a verified access token says. `sub` is "" for an anonymous token. */
export interface AccessClaims {
  readonly sub: string;
  readonly access: readonly AccessEntry[];
  /** The user's credential version when the token was issued (users only). */
  readonly credentialVersion: number | undefined;
  readonly expiresAt: number;
}

export interface IssuedToken {
  readonly token: string;
  readonly expiresIn: number;
  readonly issuedAt: string;
}

const ACCESS_TYP = 'JWT';
// A refresh token has its own `typ`, so it can never pass as an access token, nor the reverse.
const REFRESH_TYP = 'lockyard-refresh+jwt';
// Clock skew tolerated between servers for nbf/exp.
const CLOCK_TOLERANCE_S = 30;
const CACHE_ENTRIES = 10_000;

const accessPayload = z.object({
  sub: z.string().max(256),
  exp: z.number().int(),
  access: z
    .array(
      z.object({
        type: z.string().max(64),
        name: z.string().max(512),
        actions: z.array(z.string().max(32)).max(16),
      }),
    )
    .max(64),
  cv: z.number().int().positive().optional(),
});
const refreshPayload = z.object({
  sub: z.string().min(1).max(256),
  cv: z.number().int().positive().optional(),
});

/** Maps jose's failures to one line that says what was wrong with the token, never its content. */
function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'token has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return 'token was issued for another service (aud)';
    if (error.claim === 'iss') return 'token was issued by another issuer (iss)';
    if (error.claim === 'nbf') return 'token is not valid yet (nbf)';
    if (error.claim === 'typ') return 'token has the wrong type (typ)';
    return `token claim "${error.claim.slice(0, 20)}" is invalid`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed)
    return 'token signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported)
    return 'token uses an algorithm other than ES256';
  return 'malformed token';
}

/**
 * Issues and verifies the registry's JWTs (RFC 7519, signed as JWS with ES256, RFC 7515) in the
 * form the distribution token auth spec defines: iss, sub, aud, exp, nbf, iat, jti and `access`.
 * Verified access tokens are remembered until they expire, so the registry's hot path decides a
 * repeated token without any crypto or awaiting.
 */
export class TokenService {
  readonly #key: SigningKey;
  readonly #settings: TokenSettings;
  readonly #now: () => number;
  readonly #verified = new Map<string, AccessClaims>();

  constructor(key: SigningKey, settings: TokenSettings, now: () => number = Date.now) {
    this.#key = key;
    this.#settings = settings;
    this.#now = now;
  }

  get settings(): TokenSettings {
    return this.#settings;
  }

  async issueAccess(
    subject: string,
    access: readonly AccessEntry[],
    credentialVersion: number | undefined,
  ): Promise<IssuedToken> {
    const issuedAt = Math.floor(this.#now() / 1000);
    const payload: JWTPayload = {
      access: access.map((entry) => ({
        type: entry.type,
        name: entry.name,
        actions: [...entry.actions],
      })),
    };
    if (credentialVersion !== undefined) payload['cv'] = credentialVersion;
    const token = await this.#sign(
      payload,
      ACCESS_TYP,
      subject,
      issuedAt,
      this.#settings.ttlSeconds,
    );
    return {
      token,
      expiresIn: this.#settings.ttlSeconds,
      issuedAt: new Date(issuedAt * 1000).toISOString(),
    };
  }

  async issueRefresh(subject: string, credentialVersion: number | undefined): Promise<string> {
    const payload: JWTPayload = credentialVersion === undefined ? {} : { cv: credentialVersion };
    return this.#sign(
      payload,
      REFRESH_TYP,
      subject,
      Math.floor(this.#now() / 1000),
      this.#settings.refreshTtlSeconds,
    );
  }

  /** A verified token from memory, without awaiting; undefined when unknown or expired. */
  peekAccess(token: string): AccessClaims | undefined {
    const claims = this.#verified.get(token);
    if (claims && claims.expiresAt * 1000 > this.#now()) return claims;
    if (claims) this.#verified.delete(token);
    return undefined;
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const cached = this.peekAccess(token);
    if (cached) return cached;
    const payload = accessPayload.safeParse(await this.#verify(token, ACCESS_TYP));
    if (!payload.success)
      throw new IdentityError(
        'INVALID_TOKEN',
        `token claims are invalid at "${payload.error.issues[0]?.path.join('.') ?? ''}"`,
      );
    const claims: AccessClaims = {
      sub: payload.data.sub,
      access: payload.data.access,
      credentialVersion: payload.data.cv,
      expiresAt: payload.data.exp,
    };
    if (this.#verified.size >= CACHE_ENTRIES) {
      const oldest = this.#verified.keys().next().value;
      if (oldest !== undefined) this.#verified.delete(oldest);
    }
    this.#verified.set(token, claims);
    return claims;
  }

  async verifyRefresh(
    token: string,
  ): Promise<{ sub: string; credentialVersion: number | undefined }> {
    const payload = refreshPayload.safeParse(await this.#verify(token, REFRESH_TYP));
    if (!payload.success)
      throw new IdentityError('INVALID_TOKEN', 'refresh token claims are invalid');
    return { sub: payload.data.sub, credentialVersion: payload.data.cv };
  }

  async #sign(
    payload: JWTPayload,
    typ: string,
    subject: string,
    issuedAt: number,
    ttlSeconds: number,
  ): Promise<string> {
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ, kid: this.#key.kid })
      .setIssuer(this.#settings.issuer)
      .setSubject(subject)
      .setAudience(this.#settings.service)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.#key.privateKey);
  }

  async #verify(token: string, typ: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.#key.publicKey, {
        algorithms: ['ES256'],
        issuer: this.#settings.issuer,
        audience: this.#settings.service,
        typ,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: new Date(this.#now()),
      });
      return payload;
    } catch (error) {
      throw new IdentityError('INVALID_TOKEN', describeJoseError(error));
    }
  }
}
