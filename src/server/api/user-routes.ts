import type { FastifyInstance } from 'fastify';
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  setPassword,
  setUserAdmin,
} from '../identity/index.js';
import type { ApiContext } from './api-plugin.js';
import { newUserBody, parseBody, passwordBody, updateUserBody } from './schemas.js';

type NameParams = { Params: { name: string } };

export function registerUserRoutes(app: FastifyInstance, api: ApiContext): void {
  const admin = api.identity.admin;

  /** Who the credentials belong to: the CLI's sign-in check. */
  app.get('/me', async (request) => {
    const caller = await api.caller(request);
    const principal = caller.principal;
    if (principal.kind === 'anonymous') return { kind: 'anonymous' };
    if (principal.kind === 'robot')
      return principal.project === undefined
        ? { kind: 'robot', name: principal.name, system: true, grants: principal.grants }
        : {
            kind: 'robot',
            name: principal.name,
            project: principal.project,
            actions: principal.grants[0]?.actions ?? [],
          };
    return { kind: 'user', name: principal.name, admin: principal.admin };
  });

  app.get('/users', async (request) => ({
    users: await listUsers(admin, await api.caller(request)),
  }));

  app.post('/users', async (request, reply) => {
    const caller = await api.caller(request);
    const body = parseBody(newUserBody, request.body);
    return reply.code(201).send(await createUser(admin, caller, body));
  });

  app.get<NameParams>('/users/:name', async (request) =>
    getUser(admin, await api.caller(request), request.params.name),
  );

  app.patch<NameParams>('/users/:name', async (request) => {
    const caller = await api.caller(request);
    const body = parseBody(updateUserBody, request.body);
    return setUserAdmin(admin, caller, request.params.name, body.admin);
  });

  app.put<NameParams>('/users/:name/password', async (request) => {
    const caller = await api.caller(request);
    const body = parseBody(passwordBody, request.body);
    return setPassword(admin, caller, request.params.name, body.password, body.currentPassword);
  });

  app.delete<NameParams>('/users/:name', async (request, reply) => {
    await deleteUser(admin, await api.caller(request), request.params.name);
    return reply.code(204).send();
  });
}
