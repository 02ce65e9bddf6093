import type { ProjectRole } from '../../store/index.js';
import {
  type AdminContext,
  type Caller,
  requireProject,
  requireSystemAdmin,
  requireUser,
  succeeded,
} from './admin-context.js';
import { IdentityError } from './errors.js';
import { checkProjectName, checkUserName } from './names.js';
import { actorName, isSystemAdmin } from './principal.js';
import { memberView, projectView, type MemberView, type ProjectView } from './views.js';

/** Every project for system admins; for others, those they are a member of plus the public ones. */
export async function listProjects(ctx: AdminContext, caller: Caller): Promise<ProjectView[]> {
  requireUser(ctx, caller, 'project.read', 'projects');
  const views: ProjectView[] = [];
  for (const project of await ctx.store.listProjects()) {
    const role =
      caller.principal.kind === 'user'
        ? await ctx.directory.role(caller.principal.name, project.name)
        : undefined;
    if (isSystemAdmin(caller.principal) || role !== undefined || project.anonymousPull)
      views.push(projectView(project, role));
  }
  return views;
}

export async function getProject(
  ctx: AdminContext,
  caller: Caller,
  name: string,
): Promise<ProjectView> {
  const project = await requireProject(ctx, caller, name, 'view', 'project.read');
  const role =
    caller.principal.kind === 'user'
      ? await ctx.directory.role(caller.principal.name, name)
      : undefined;
  return projectView(project, role);
}

export async function createProject(
  ctx: AdminContext,
  caller: Caller,
  name: string,
  anonymousPull: boolean,
): Promise<ProjectView> {
  checkProjectName(name);
  requireSystemAdmin(ctx, caller, 'project.create', name, 'create projects');
  const created = await ctx.store.createProject({
    name,
    anonymousPull,
    createdAt: ctx.now(),
    createdBy: actorName(caller.principal),
  });
  if (!created.ok) throw new IdentityError('CONFLICT', `project ${name} already exists`);
  ctx.directory.setProject(created.record);
  ctx.directory.setRules(name, []);
  succeeded(ctx, caller, 'project.create', name);
  return projectView(created.record);
}

export async function setAnonymousPull(
  ctx: AdminContext,
  caller: Caller,
  name: string,
  anonymousPull: boolean,
): Promise<ProjectView> {
  await requireProject(ctx, caller, name, 'settings', 'project.update');
  const updated = await ctx.store.setAnonymousPull(name, anonymousPull);
  if (!updated) throw new IdentityError('NOT_FOUND', `project ${name} not found`);
  ctx.directory.setProject(updated);
  succeeded(ctx, caller, 'project.update', name);
  return projectView(updated);
}

/** Refused while the registry still holds repositories of the project (Harbor does the same). */
export async function deleteProject(
  ctx: AdminContext,
  caller: Caller,
  name: string,
): Promise<void> {
  checkProjectName(name);
  requireSystemAdmin(ctx, caller, 'project.delete', name, 'delete projects');
  if (!ctx.directory.project(name))
    throw new IdentityError('NOT_FOUND', `project ${name} not found`);
  if (await ctx.projectHasRepositories(name)) {
    throw new IdentityError(
      'CONFLICT',
      `project ${name} still has repositories: delete their images first`,
    );
  }
  await ctx.store.removeProject(name);
  ctx.directory.dropProject(name);
  succeeded(ctx, caller, 'project.delete', name);
}

export async function listMembers(
  ctx: AdminContext,
  caller: Caller,
  project: string,
): Promise<MemberView[]> {
  await requireProject(ctx, caller, project, 'view', 'project.read');
  return (await ctx.store.listMembers(project)).map(memberView);
}

/**
 * Adds a member or changes their role. A project admin cannot hand out more than they hold
 * (roles are nested, and project-admin is the top of a project), so this needs member-admin only.
 */
export async function setMember(
  ctx: AdminContext,
  caller: Caller,
  project: string,
  user: string,
  role: ProjectRole,
): Promise<MemberView> {
  checkUserName(user);
  await requireProject(ctx, caller, project, 'member-admin', 'member.set');
  const result = await ctx.store.setMember(project, user, role, ctx.now());
  ctx.directory.forgetRoles(user);
  if (!result.ok)
    throw new IdentityError(
      'NOT_FOUND',
      result.reason === 'user-unknown' ? `user ${user} not found` : `project ${project} not found`,
    );
  succeeded(ctx, caller, 'member.set', `${project}/${user}`);
  return memberView(result.record);
}

export async function removeMember(
  ctx: AdminContext,
  caller: Caller,
  project: string,
  user: string,
): Promise<void> {
  checkUserName(user);
  await requireProject(ctx, caller, project, 'member-admin', 'member.remove');
  // A project admin removing themselves would lock the project's members out of admin; allowed,
  // as a system admin can always repair it.
  if (!(await ctx.store.removeMember(project, user)))
    throw new IdentityError('NOT_FOUND', `user ${user} is not a member of project ${project}`);
  ctx.directory.forgetRoles(user);
  succeeded(ctx, caller, 'member.remove', `${project}/${user}`);
}
