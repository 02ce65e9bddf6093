import type { FastifyInstance } from 'fastify';
import {
  createProject,
  deleteProject,
  getProject,
  listMembers,
  listProjects,
  removeMember,
  setAnonymousPull,
  setMember,
} from '../identity/index.js';
import type { ApiContext } from './api-plugin.js';
import {
  memberRoleBody,
  newMemberBody,
  newProjectBody,
  parseBody,
  updateProjectBody,
} from './schemas.js';

type ProjectParams = { Params: { project: string } };
type MemberParams = { Params: { project: string; user: string } };

export function registerProjectRoutes(app: FastifyInstance, api: ApiContext): void {
  const admin = api.identity.admin;

  app.get('/projects', async (request) => ({
    projects: await listProjects(admin, await api.caller(request)),
  }));

  app.post('/projects', async (request, reply) => {
    const caller = await api.caller(request);
    const body = parseBody(newProjectBody, request.body);
    return reply.code(201).send(await createProject(admin, caller, body.name, body.anonymousPull));
  });

  app.get<ProjectParams>('/projects/:project', async (request) =>
    getProject(admin, await api.caller(request), request.params.project),
  );

  app.patch<ProjectParams>('/projects/:project', async (request) => {
    const caller = await api.caller(request);
    const body = parseBody(updateProjectBody, request.body);
    return setAnonymousPull(admin, caller, request.params.project, body.anonymousPull);
  });

  app.delete<ProjectParams>('/projects/:project', async (request, reply) => {
    await deleteProject(admin, await api.caller(request), request.params.project);
    return reply.code(204).send();
  });

  app.get<ProjectParams>('/projects/:project/members', async (request) => ({
    members: await listMembers(admin, await api.caller(request), request.params.project),
  }));

  app.post<ProjectParams>('/projects/:project/members', async (request, reply) => {
    const caller = await api.caller(request);
    const body = parseBody(newMemberBody, request.body);
    return reply
      .code(201)
      .send(await setMember(admin, caller, request.params.project, body.user, body.role));
  });

  app.put<MemberParams>('/projects/:project/members/:user', async (request) => {
    const caller = await api.caller(request);
    const body = parseBody(memberRoleBody, request.body);
    return setMember(admin, caller, request.params.project, request.params.user, body.role);
  });

  app.delete<MemberParams>('/projects/:project/members/:user', async (request, reply) => {
    await removeMember(
      admin,
      await api.caller(request),
      request.params.project,
      request.params.user,
    );
    return reply.code(204).send();
  });
}
