import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { acceptJsonBodies, errorBody } from '../http/index.js';
import {
  IdentityError,
  sendIdentityError,
  type Caller,
  type IdentityService,
} from '../identity/index.js';
import { registerProjectRoutes } from './project-routes.js';
import { registerRobotRoutes } from './robot-routes.js';
import { registerSystemRobotRoutes } from './system-robot-routes.js';
import { registerUserRoutes } from './user-routes.js';

const BODY_LIMIT = 64 * 1024;

/** What every route module gets: the service and a way to learn who is calling. */
export interface ApiContext {
  readonly identity: IdentityService;
  caller(request: FastifyRequest): Promise<Caller>;
}

/**
 * The admin REST API under /api/v1: JSON in (validated by zod), JSON out, errors as
 * `{"errors":[{"code","message","detail"}]}`. Callers sign in with Basic credentials or a bearer
 * token from /token. When identity is off the API answers 404 IDENTITY_DISABLED.
 */
export function registerAdminApi(
  app: FastifyInstance,
  identity: IdentityService | undefined,
  logger: Logger,
): void {
  const realm = identity?.tokens.settings.service ?? 'lockyard';
  void app.register(
    (instance, _options, done) => {
      acceptJsonBodies(
        instance,
        BODY_LIMIT,
        () => new IdentityError('INVALID_REQUEST', 'the body is not valid JSON'),
      );
      instance.setErrorHandler((error, _request, reply) => {
        sendIdentityError(reply, error, logger, realm);
      });
      instance.setNotFoundHandler((request, reply) => {
        sendIdentityError(
          reply,
          new IdentityError(
            'NOT_FOUND',
            `no API endpoint ${request.method} ${request.url.split('?')[0]?.slice(0, 200) ?? ''}`,
          ),
          logger,
          realm,
        );
      });
      if (!identity) {
        instance.all('/*', (_request, reply) => {
          void reply
            .code(404)
            .header('Content-Type', 'application/json')
            .send(
              errorBody(
                'IDENTITY_DISABLED',
                'user management is off: start the server with LOCKYARD_ADMIN_PASSWORD set (auth.mode)',
              ),
            );
        });
        done();
        return;
      }
      const context: ApiContext = {
        identity,
        caller: (request) => identity.caller(request.headers.authorization, request.ip),
      };
      registerUserRoutes(instance, context);
      registerProjectRoutes(instance, context);
      registerRobotRoutes(instance, context);
      registerSystemRobotRoutes(instance, context);
      done();
    },
    { prefix: '/api/v1' },
  );
}
