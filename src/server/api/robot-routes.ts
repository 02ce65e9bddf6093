import type { FastifyInstance } from 'fastify';
import {
  addTagRule,
  createRobot,
  listRobots,
  listTagRules,
  removeTagRule,
  revokeRobot,
} from '../identity/index.js';
import type { ApiContext } from './api-plugin.js';
import { newRobotBody, newTagRuleBody, parseBody, parseId } from './schemas.js';

type ProjectParams = { Params: { project: string } };
type RobotParams = { Params: { project: string; robot: string } };
type RuleParams = { Params: { project: string; id: string } };

export function registerRobotRoutes(app: FastifyInstance, api: ApiContext): void {
  const admin = api.identity.admin;

  app.get<ProjectParams>('/projects/:project/robots', async (request) => ({
    robots: await listRobots(admin, await api.caller(request), request.params.project),
  }));

  /** The only answer that ever holds the robot's secret. */
  app.post<ProjectParams>('/projects/:project/robots', async (request, reply) => {
    const caller = await api.caller(request);
    const body = parseBody(newRobotBody, request.body);
    const created = await createRobot(admin, caller, request.params.project, {
      name: body.name,
      actions: body.actions,
      description: body.description,
      expiresInSeconds: body.expiresInSeconds,
    });
    return reply
      .code(201)
      .header('Cache-Control', 'no-store')
      .send({ ...created.robot, secret: created.secret });
  });

  /** Revokes (the record stays, marked revoked). */
  app.delete<RobotParams>('/projects/:project/robots/:robot', async (request) =>
    revokeRobot(admin, await api.caller(request), request.params.project, request.params.robot),
  );

  app.get<ProjectParams>('/projects/:project/immutable-tags', async (request) => ({
    rules: await listTagRules(admin, await api.caller(request), request.params.project),
  }));

  app.post<ProjectParams>('/projects/:project/immutable-tags', async (request, reply) => {
    const caller = await api.caller(request);
    const body = parseBody(newTagRuleBody, request.body);
    return reply
      .code(201)
      .send(await addTagRule(admin, caller, request.params.project, body.pattern));
  });

  app.delete<RuleParams>('/projects/:project/immutable-tags/:id', async (request, reply) => {
    await removeTagRule(
      admin,
      await api.caller(request),
      request.params.project,
      parseId(request.params.id, 'rule id'),
    );
    return reply.code(204).send();
  });
}
