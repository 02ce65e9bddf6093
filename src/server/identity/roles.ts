import type { ProjectRole, RobotAction } from '../../store/index.js';

/** What can be done inside one project. */
export type ProjectPermission =
  | 'view'
  | 'pull'
  | 'push'
  | 'delete'
  | 'tag-rule-admin'
  | 'member-admin'
  | 'robot-admin'
  | 'settings';

export const PROJECT_PERMISSIONS: readonly ProjectPermission[] = [
  'view',
  'pull',
  'push',
  'delete',
  'tag-rule-admin',
  'member-admin',
  'robot-admin',
  'settings',
];

/**
 * The role matrix (README.md shows it as a table). Each role includes the one below it:
 * guest pulls, developer pushes, maintainer deletes and keeps the immutable-tag rules, project
 * admin manages members, robots and the project's settings. System admins hold every project
 * permission on every project plus the system permissions.
 */
export const ROLE_PERMISSIONS: Readonly<Record<ProjectRole, readonly ProjectPermission[]>> = {
  guest: ['view', 'pull'],
  developer: ['view', 'pull', 'push'],
  maintainer: ['view', 'pull', 'push', 'delete', 'tag-rule-admin'],
  'project-admin': [
    'view',
    'pull',
    'push',
    'delete',
    'tag-rule-admin',
    'member-admin',
    'robot-admin',
    'settings',
  ],
};

/** A project with anonymous pull lets everyone, signed in or not, pull (and signed-in users view it). */
export const PUBLIC_PERMISSIONS: readonly ProjectPermission[] = ['view', 'pull'];

/** Robots act on registry content only: never on members, robots, rules or settings. */
export function robotPermissions(actions: readonly RobotAction[]): readonly ProjectPermission[] {
  return actions;
}
