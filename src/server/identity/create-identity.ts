import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ConfigError } from '../../errors/index.js';
import {
  openSqliteIdentityStore,
  type IdentityStore,
  type RegistryMetadata,
} from '../../store/index.js';
import type { RegistryAccess } from '../registry/index.js';
import { ensureFirstAdmin } from './bootstrap.js';
import { Directory } from './directory.js';
import { IdentityEvents } from './events.js';
import { IdentityService } from './identity-service.js';
import { createRegistryAccess } from './registry-access.js';
import { withImmutableTags } from './tag-guard.js';
import { loadOrCreateSigningKey } from './token-keys.js';
import { registerTokenRoutes } from './token-routes.js';
import { TokenService } from './token-service.js';

/** The `auth` section of the server config. */
export interface IdentitySettings {
  /** auto: on once an admin exists or LOCKYARD_ADMIN_PASSWORD is set; token: always on; none: an open registry. */
  readonly mode: 'auto' | 'token' | 'none';
  readonly adminUsername: string;
  readonly service: string;
  readonly issuer: string;
  readonly realm?: string | undefined;
  readonly tokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly loginFailureLimit: number;
  readonly loginFailureWindowSeconds: number;
}

export interface IdentityOptions {
  /** The identity folder in the data directory (database and signing key). */
  readonly root: string;
  readonly settings: IdentitySettings;
  /** LOCKYARD_ADMIN_PASSWORD, read by the composition root; never logged. */
  readonly adminPassword: string | undefined;
  readonly secure: boolean;
  readonly logger: Logger;
}

/** Users, roles and token auth, ready to plug into the registry and the HTTP server. */
export interface Identity {
  readonly service: IdentityService;
  readonly events: IdentityEvents;
  readonly access: RegistryAccess;
  /**
   * The registry metadata with immutable-tag rules enforced; also what project deletion asks
   * whether a project still has repositories.
   */
  guardMetadata: (metadata: RegistryMetadata) => RegistryMetadata;
  /** Where this server listens, for realms of requests without a usable Host header. */
  setPublicUrl(url: string): void;
  /** Mounts `/token`. */
  register(app: FastifyInstance): void;
  close(): void;
}

/** Whether the registry holds a repository `project` or `project/…` (names sort bytewise, "/" before any name character). */
async function hasRepositories(metadata: RegistryMetadata, project: string): Promise<boolean> {
  if (await metadata.repositoryExists(project)) return true;
  const next = await metadata.listRepositories(1, `${project}/`);
  return next.items[0]?.startsWith(`${project}/`) === true;
}

/**
 * Opens the identity store and signing key, creates the first admin from LOCKYARD_ADMIN_PASSWORD,
 * and builds the token service and the registry's access decisions. Undefined when identity is
 * off (`auth.mode: none`, or `auto` with no admin and no admin password): the registry is then
 * open, as a registry without an auth section is in Distribution.
 */
export async function createIdentity(options: IdentityOptions): Promise<Identity | undefined> {
  const { settings, logger } = options;
  if (settings.mode === 'none') {
    logger.warn({ mode: 'none' }, 'registry authentication is off');
    return undefined;
  }
  await mkdir(options.root, { recursive: true, mode: 0o700 });
  const store: IdentityStore = openSqliteIdentityStore(join(options.root, 'identity.db'));
  try {
    const bootstrap = await ensureFirstAdmin(
      store,
      settings.adminUsername,
      options.adminPassword,
      Date.now(),
    );
    if (bootstrap === 'no-admin') {
      if (settings.mode === 'token')
        throw new ConfigError(
          'INVALID_CONFIG',
          'auth.mode is token but no system administrator exists: set LOCKYARD_ADMIN_PASSWORD for the first start',
        );
      logger.warn(
        { mode: 'auto' },
        'registry authentication is off: no administrator exists and LOCKYARD_ADMIN_PASSWORD is not set',
      );
      store.close();
      return undefined;
    }
    if (bootstrap === 'created')
      logger.info({ user: settings.adminUsername }, 'first system administrator created');
    else if (options.adminPassword)
      logger.info({}, 'LOCKYARD_ADMIN_PASSWORD ignored: an administrator already exists');
    const key = await loadOrCreateSigningKey(options.root);
    if (key.tightened)
      logger.warn({ path: key.path }, 'token signing key was readable by others; mode set to 0600');
    const directory = new Directory(store);
    await directory.load();
    const events = new IdentityEvents();
    let metadata: RegistryMetadata | undefined;
    const service = new IdentityService({
      store,
      directory,
      events,
      tokens: new TokenService(key, {
        issuer: settings.issuer,
        service: settings.service,
        ttlSeconds: settings.tokenTtlSeconds,
        refreshTtlSeconds: settings.refreshTokenTtlSeconds,
      }),
      limits: {
        maxFailures: settings.loginFailureLimit,
        windowMs: settings.loginFailureWindowSeconds * 1000,
      },
      projectHasRepositories: (project) => {
        if (!metadata)
          return Promise.reject(
            new Error(
              'identity: the registry metadata was never attached (guardMetadata not called)',
            ),
          );
        return hasRepositories(metadata, project);
      },
    });
    let publicUrl = options.secure ? 'https://localhost' : 'http://localhost';
    const access = createRegistryAccess(service, {
      configured: settings.realm,
      secure: options.secure,
      fallback: () => publicUrl,
    });
    return {
      service,
      events,
      access,
      guardMetadata: (inner) => {
        metadata = inner;
        return withImmutableTags(inner, (project) => directory.tagRules(project));
      },
      setPublicUrl: (url) => {
        publicUrl = url;
      },
      register: (app) => {
        registerTokenRoutes(app, service, logger);
      },
      close: () => {
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
