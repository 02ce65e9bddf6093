import type { IdentityStore, ProjectRecord } from '../../store/index.js';
import type { Authenticator } from './authenticator.js';
import type { Directory } from './directory.js';
import { IdentityError } from './errors.js';
import type { IdentityAction, IdentityEvents } from './events.js';
import { checkProjectName } from './names.js';
import { projectPermissions } from './permissions.js';
import { actorName, isSystemAdmin, type Principal } from './principal.js';
import type { ProjectPermission } from './roles.js';

/** Who asks, and from where: every admin operation takes one. */
export interface Caller {
  readonly principal: Principal;
  readonly source: string | undefined;
}

/** What the admin operations share. */
export interface AdminContext {
  readonly store: IdentityStore;
  readonly directory: Directory;
  readonly events: IdentityEvents;
  readonly now: () => number;
  readonly authenticator: Authenticator;
  /** Whether the registry holds any repository of the project (a project with content is not deleted). */
  readonly projectHasRepositories: (project: string) => Promise<boolean>;
}

const PERMISSION_WORDS: Readonly<Record<ProjectPermission, string>> = {
  view: 'view',
  pull: 'pull from',
  push: 'push to',
  delete: 'delete from',
  'tag-rule-admin': 'manage the immutable-tag rules of',
  'member-admin': 'manage the members of',
  'robot-admin': 'manage the robot accounts of',
  settings: 'change the settings of',
};

export function succeeded(
  ctx: AdminContext,
  caller: Caller,
  action: IdentityAction,
  target: string,
): void {
  ctx.events.publish({
    actor: actorName(caller.principal),
    action,
    target,
    result: 'success',
    source: caller.source,
  });
}

function denied(
  ctx: AdminContext,
  caller: Caller,
  action: IdentityAction,
  target: string,
  error: IdentityError,
): IdentityError {
  ctx.events.publish({
    actor: actorName(caller.principal),
    action,
    target,
    result: 'denied',
    source: caller.source,
    reason: error.code,
  });
  return error;
}

/** The admin API is for people: anonymous callers must sign in, robots are refused. */
export function requireUser(
  ctx: AdminContext,
  caller: Caller,
  action: IdentityAction,
  target: string,
): void {
  if (caller.principal.kind === 'anonymous') {
    throw denied(
      ctx,
      caller,
      action,
      target,
      new IdentityError(
        'UNAUTHORIZED',
        'authentication required: sign in with a user name and password or a token',
      ),
    );
  }
  if (caller.principal.kind === 'robot') {
    throw denied(
      ctx,
      caller,
      action,
      target,
      new IdentityError(
        'DENIED',
        `robot account ${caller.principal.name} cannot use the admin API`,
      ),
    );
  }
}

export function requireSystemAdmin(
  ctx: AdminContext,
  caller: Caller,
  action: IdentityAction,
  target: string,
  what: string,
): void {
  requireUser(ctx, caller, action, target);
  if (!isSystemAdmin(caller.principal)) {
    throw denied(
      ctx,
      caller,
      action,
      target,
      new IdentityError('DENIED', `only a system administrator may ${what}`),
    );
  }
}

/**
 * The project, if the caller holds `permission` in it. A project the caller cannot even view is
 * answered as not found, so private project names do not leak.
 */
export async function requireProject(
  ctx: AdminContext,
  caller: Caller,
  name: string,
  permission: ProjectPermission,
  action: IdentityAction,
): Promise<ProjectRecord> {
  checkProjectName(name);
  requireUser(ctx, caller, action, name);
  const project = ctx.directory.project(name);
  const held = await projectPermissions(ctx.directory, caller.principal, name);
  if (!project || !held.has('view'))
    throw denied(
      ctx,
      caller,
      action,
      name,
      new IdentityError('NOT_FOUND', `project ${name} not found`),
    );
  if (!held.has(permission)) {
    throw denied(
      ctx,
      caller,
      action,
      name,
      new IdentityError(
        'DENIED',
        `${actorName(caller.principal)} may not ${PERMISSION_WORDS[permission]} project ${name}`,
      ),
    );
  }
  return project;
}
