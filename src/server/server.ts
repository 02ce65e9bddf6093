import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { pino, type Logger } from 'pino';
import { ConfigError, describeCause } from '../errors/index.js';
import { createRegistry, type Registry } from './registry/index.js';
import { createIdentity, type Identity } from './identity/index.js';
import { registerAdminApi } from './api/index.js';
import type { AuditEvent } from '../audit/index.js';
import { AuditService, registerAuditRoutes } from './audit/index.js';
import {
  identityApiAccess,
  registerApiRoutes,
  registerScanRoutes,
  registryApiAccess,
  ScanningService,
} from './scanning/index.js';
import { registerWebhookRoutes, WebhookService } from './webhooks/index.js';
import type { ServerConfig } from './config.js';
import { isLoopback, parseListenAddress } from './listen-address.js';
import { ensureDevTls } from './tls-dev.js';
import { join } from 'node:path';

export interface RunningServer {
  readonly url: string;
  readonly registry: Registry;
  /** Users, roles and token auth; undefined when authentication is off (`auth.mode`). */
  readonly identity: Identity | undefined;
  /** Set when `--tls-dev` made or reused the development CA: the folder clients trust. */
  readonly devTrustDir: string | undefined;
  close(): Promise<void>;
}

type TlsMaterial = { readonly cert: Buffer; readonly key: Buffer } | undefined;

function readTlsFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError('INVALID_CONFIG', `cannot read ${what} ${path}: ${describeCause(error)}`);
  }
}

/** Decides how to serve: configured TLS, dev TLS, or plain HTTP (only when asked and on loopback). */
async function resolveTls(
  config: ServerConfig,
  dataDir: string,
  host: string,
): Promise<{ tls: TlsMaterial; devTrustDir: string | undefined; created: boolean }> {
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new ConfigError('INVALID_CONFIG', 'tlsCert and tlsKey must be given together');
  }
  const modes = [config.tlsCert !== undefined, config.tlsDev, config.insecureHttp].filter(
    Boolean,
  ).length;
  if (modes > 1)
    throw new ConfigError(
      'INVALID_CONFIG',
      'choose one of --tls-cert/--tls-key, --tls-dev and --insecure-http',
    );
  if (config.tlsCert !== undefined && config.tlsKey !== undefined) {
    return {
      tls: {
        cert: readTlsFile(config.tlsCert, 'TLS certificate'),
        key: readTlsFile(config.tlsKey, 'TLS key'),
      },
      devTrustDir: undefined,
      created: false,
    };
  }
  if (config.tlsDev) {
    const dev = await ensureDevTls(dataDir, [host]);
    return {
      tls: { cert: dev.cert, key: dev.key },
      devTrustDir: dev.trustDir,
      created: dev.created,
    };
  }
  if (!config.insecureHttp) {
    throw new ConfigError(
      'INVALID_CONFIG',
      'no TLS configured: give --tls-cert and --tls-key, or --tls-dev, or --insecure-http on a loopback address',
    );
  }
  if (!isLoopback(host)) {
    throw new ConfigError(
      'INVALID_CONFIG',
      `refusing plain HTTP on ${host}: --insecure-http is allowed only on a loopback address (127.0.0.1, ::1, localhost)`,
    );
  }
  return { tls: undefined, devTrustDir: undefined, created: false };
}

/** Builds every service from the config, wires the stores, and starts listening. */
export async function startServer(
  config: ServerConfig,
  dataDir: string,
  logger: Logger = pino({ level: config.logLevel }),
  // The first admin's password comes only from the environment (never a flag or config key).
  secrets: { readonly adminPassword: string | undefined } = {
    adminPassword: process.env['LOCKYARD_ADMIN_PASSWORD'],
  },
): Promise<RunningServer> {
  const address = parseListenAddress(config.listen);
  const { tls, devTrustDir, created } = await resolveTls(config, dataDir, address.host);
  const identity = await createIdentity({
    root: join(dataDir, 'identity'),
    settings: config.auth,
    adminPassword: secrets.adminPassword,
    secure: tls !== undefined,
    logger,
  });
  // Scan results are loaded before the registry serves: the pull gate needs them from the first pull.
  const scanning = new ScanningService({ dataDir, config: config.scanning, logger });
  const registry = await createRegistry({
    root: join(dataDir, 'registry'),
    logger,
    pullGate: scanning.gate,
    ...(identity ? { access: identity.access, guardMetadata: identity.guardMetadata } : {}),
    limits: {
      maxManifestBytes: config.registry.maxManifestBytes,
      uploadTtlMs: config.registry.uploadTtlSeconds * 1000,
      ...(config.registry.uploadSweepSeconds === undefined
        ? {}
        : { uploadSweepMs: config.registry.uploadSweepSeconds * 1000 }),
    },
    cacheBytes: config.registry.cacheBytes,
  });
  const options = {
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per request would cost more than a manifest GET itself; errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    exposeHeadRoutes: false,
  };
  // Our own server factory keeps one Fastify type for HTTP and HTTPS (node:https.Server is an http.Server).
  const app = Fastify({
    ...options,
    serverFactory: (handler): HttpServer => {
      // Pulls are answered before Fastify when they can be: the hot path allocates no framework objects.
      const listener = (request: IncomingMessage, response: ServerResponse): void => {
        registry.fastPath(request, response, () => {
          handler(request, response);
        });
      };
      // An https.Server speaks the same request/response API; its typings just do not say so.
      const server = tls
        ? (createHttpsServer({ cert: tls.cert, key: tls.key }, listener) as unknown as HttpServer)
        : createHttpServer(listener);
      // A large layer over a slow link takes long: no overall request deadline; idle sockets still close.
      server.requestTimeout = 0;
      server.keepAliveTimeout = 75_000;
      return server;
    },
  });
  registry.register(app);
  identity?.register(app);
  registerAdminApi(app, identity?.service, logger);
  const audit = new AuditService(dataDir, logger);
  const webhooks = new WebhookService({ dataDir, config: config.webhooks, logger });
  scanning.start({
    blobs: registry.context.blobs,
    metadata: registry.context.metadata,
    events: registry.events,
  });
  audit.listen(registry.events, identity?.events);
  webhooks.listen(registry.events, scanning.events);
  const apiAccess = identity
    ? identityApiAccess(identity.service, registry.context.access, config.auth.service)
    : registryApiAccess(registry.context.access);
  const record = (event: AuditEvent): void => {
    audit.record(event);
  };
  registerApiRoutes(app, logger, (api) => {
    registerScanRoutes(api, {
      service: scanning,
      metadata: registry.context.metadata,
      access: apiAccess,
      audit: record,
    });
    registerWebhookRoutes(api, webhooks, apiAccess, record);
    registerAuditRoutes(api, audit, apiAccess);
  });
  const closeServices = async (): Promise<void> => {
    await scanning.close();
    await webhooks.close();
    registry.close();
    identity?.close();
    // Last: it records what the others did while stopping.
    audit.close();
  };
  try {
    await app.listen({ host: address.host, port: address.port });
  } catch (error) {
    await closeServices();
    throw new ConfigError(
      'INVALID_CONFIG',
      `cannot listen on ${config.listen}: ${describeCause(error)}`,
    );
  }
  const bound = app.server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const url = `${tls ? 'https' : 'http'}://${host}:${bound.port}`;
  identity?.setPublicUrl(url);
  logger.info(
    {
      url,
      tls: tls ? (devTrustDir ? 'dev' : 'configured') : 'none',
      devCaCreated: created,
      auth: identity ? 'token' : 'none',
    },
    'server listening',
  );
  return {
    url,
    registry,
    identity,
    devTrustDir,
    close: async () => {
      await app.close();
      await closeServices();
    },
  };
}
