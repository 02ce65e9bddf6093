import { isValidRepositoryName } from '../../oci/index.js';
import { ALL_PROJECTS } from '../../store/index.js';
import type { Directory } from './directory.js';
import { projectOf } from './names.js';
import { isSystemAdmin, type Principal } from './principal.js';
import {
  PROJECT_PERMISSIONS,
  PUBLIC_PERMISSIONS,
  robotPermissions,
  ROLE_PERMISSIONS,
  type ProjectPermission,
} from './roles.js';
import type { AccessEntry } from './scopes.js';

const ALL: ReadonlySet<ProjectPermission> = new Set(PROJECT_PERMISSIONS);
const NONE: ReadonlySet<ProjectPermission> = new Set();
const REPOSITORY_ACTIONS = ['pull', 'push', 'delete'] as const;

/** What `principal` may do in `project` right now (system admins: everything, even before it exists). */
export async function projectPermissions(
  directory: Directory,
  principal: Principal,
  project: string,
): Promise<ReadonlySet<ProjectPermission>> {
  if (isSystemAdmin(principal)) return ALL;
  const record = directory.project(project);
  if (!record) return NONE;
  const granted = new Set<ProjectPermission>();
  if (record.anonymousPull) {
    for (const permission of PUBLIC_PERMISSIONS)
      if (principal.kind !== 'anonymous' || permission === 'pull') granted.add(permission);
  }
  if (principal.kind === 'user') {
    const role = await directory.role(principal.name, project);
    if (role) for (const permission of ROLE_PERMISSIONS[role]) granted.add(permission);
  }
  if (principal.kind === 'robot') {
    for (const grant of principal.grants)
      if (grant.project === project || grant.project === ALL_PROJECTS)
        for (const permission of robotPermissions(grant.actions)) granted.add(permission);
  }
  return granted;
}

/**
 * The projects whose repositories a `_catalog` answer shows `principal`: 'all' for system
 * admins, else the existing projects it may pull from (a member's projects, a robot's pull
 * grants with `*` meaning every project, and projects with anonymous pull). The registry
 * filters its catalog with this on every request (`registry-access.ts`).
 */
export async function catalogProjects(
  directory: Directory,
  principal: Principal,
): Promise<'all' | ReadonlySet<string>> {
  if (isSystemAdmin(principal)) return 'all';
  const projects = new Set<string>();
  for (const project of directory.projectNames())
    if ((await projectPermissions(directory, principal, project)).has('pull'))
      projects.add(project);
  return projects;
}

/**
 * The `access` a token carries: for each requested scope, the requested actions the principal
 * holds (the intersection the spec asks for). `*` on a repository stands for every action the
 * principal holds there (Distribution's delete scope); `registry:catalog:*` is granted to every
 * signed-in principal (the registry then lists only what it may pull, see `catalogProjects`).
 * Scopes of unknown types or with invalid repository names are granted nothing.
 */
export async function grantAccess(
  directory: Directory,
  principal: Principal,
  requested: readonly AccessEntry[],
): Promise<AccessEntry[]> {
  const granted: AccessEntry[] = [];
  for (const scope of requested) {
    if (scope.type === 'registry' && scope.name === 'catalog') {
      granted.push({
        ...scope,
        actions: principal.kind !== 'anonymous' && scope.actions.includes('*') ? ['*'] : [],
      });
      continue;
    }
    if (scope.type !== 'repository' || !isValidRepositoryName(scope.name)) {
      granted.push({ ...scope, actions: [] });
      continue;
    }
    const held = await projectPermissions(directory, principal, projectOf(scope.name));
    const wanted = scope.actions.includes('*') ? REPOSITORY_ACTIONS : scope.actions;
    granted.push({
      type: 'repository',
      name: scope.name,
      actions: REPOSITORY_ACTIONS.filter((action) => wanted.includes(action) && held.has(action)),
    });
  }
  return granted;
}

/** Whether a token's `access` covers `actions` on `type:name` (`*` covers all). */
export function accessCovers(
  access: readonly AccessEntry[],
  type: string,
  name: string,
  actions: readonly string[],
): boolean {
  const held = new Set<string>();
  for (const entry of access)
    if (entry.type === type && entry.name === name)
      for (const action of entry.actions) held.add(action);
  return held.has('*') || actions.every((action) => held.has(action));
}
