import type { ProjectRole, RobotAction } from '../../../store/index.js';

/**
 * Option choices for the admin commands, kept here so defining the CLI does not load the store
 * library (and SQLite) at start-up; choices.test.ts checks they equal the store's own lists.
 */
export const PROJECT_ROLE_CHOICES: readonly ProjectRole[] = [
  'guest',
  'developer',
  'maintainer',
  'project-admin',
];
export const ROBOT_ACTION_CHOICES: readonly RobotAction[] = ['pull', 'push', 'delete'];
