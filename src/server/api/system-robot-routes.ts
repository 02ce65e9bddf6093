import type { FastifyInstance } from 'fastify';
import { createSystemRobot, listSystemRobots, revokeSystemRobot } from '../identity/index.js';
import type { ApiContext } from './api-plugin.js';
import { newSystemRobotBody, parseBody } from './schemas.js';

type RobotParams = { Params: { robot: string } };

const DAY_S = 24 * 3600;

/** System robots (`robot$<name>`, grants in several projects): system admins only. */
export function registerSystemRobotRoutes(app: FastifyInstance, api: ApiContext): void {
  const admin = api.identity.admin;

  app.get('/robots', async (request) => ({
    robots: await listSystemRobots(admin, await api.caller(request)),
  }));

  /** The only answer that ever holds the robot's secret. */
  app.post('/robots', async (request, reply) => {
    const caller = await api.caller(request);
    const body = parseBody(newSystemRobotBody, request.body);
    const created = await createSystemRobot(admin, caller, {
      name: body.name,
      grants: body.grants,
      description: body.description,
      expiresInSeconds:
        body.expiresInDays === undefined ? body.expiresInSeconds : body.expiresInDays * DAY_S,
    });
    return reply
      .code(201)
      .header('Cache-Control', 'no-store')
      .send({ ...created.robot, secret: created.secret });
  });

  /** Revokes (the record stays, marked revoked). */
  app.delete<RobotParams>('/robots/:robot', async (request) =>
    revokeSystemRobot(admin, await api.caller(request), request.params.robot),
  );
}
