import { IdentityStoreError } from './errors.js';
import {
  ALL_PROJECTS,
  PROJECT_ROLES,
  ROBOT_ACTIONS,
  type MemberRecord,
  type ProjectRecord,
  type ProjectRole,
  type RobotAction,
  type RobotGrant,
  type RobotRecord,
  type SystemRobotRecord,
  type TagRuleRecord,
  type UserRecord,
} from './identity-store.js';

export interface UserRow {
  name: string;
  password_hash: string;
  admin: number;
  credential_version: number;
  created_at: number;
  updated_at: number;
}

export interface ProjectRow {
  name: string;
  anonymous_pull: number;
  created_at: number;
  created_by: string;
}

export interface MemberRow {
  project: string;
  user: string;
  role: string;
  created_at: number;
}

export interface RobotRow {
  name: string;
  project: string;
  description: string;
  actions: string;
  secret_hash: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface SystemRobotRow {
  id: number;
  name: string;
  description: string;
  all_projects: string | null;
  secret_hash: string;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface SystemRobotGrantRow {
  project: string;
  actions: string;
}

export interface TagRuleRow {
  id: number;
  project: string;
  pattern: string;
  created_at: number;
  created_by: string;
}

export function toUser(row: UserRow): UserRecord {
  return {
    name: row.name,
    passwordHash: row.password_hash,
    admin: row.admin === 1,
    credentialVersion: row.credential_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toProject(row: ProjectRow): ProjectRecord {
  return {
    name: row.name,
    anonymousPull: row.anonymous_pull === 1,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

function isRole(value: string): value is ProjectRole {
  return (PROJECT_ROLES as readonly string[]).includes(value);
}

function isRobotAction(value: string): value is RobotAction {
  return (ROBOT_ACTIONS as readonly string[]).includes(value);
}

export function toMember(row: MemberRow): MemberRecord {
  // The CHECK constraint keeps this true; a hand-edited database is reported, not trusted.
  if (!isRole(row.role))
    throw new IdentityStoreError(
      'CORRUPT_RECORD',
      `member ${row.user} of project ${row.project} has an unknown role "${row.role.slice(0, 40)}"`,
    );
  return { project: row.project, user: row.user, role: row.role, createdAt: row.created_at };
}

function toActions(robot: string, text: string): RobotAction[] {
  const actions = text === '' ? [] : text.split(',');
  const bad = actions.find((action) => !isRobotAction(action));
  if (bad !== undefined)
    throw new IdentityStoreError(
      'CORRUPT_RECORD',
      `robot ${robot} has an unknown action "${bad.slice(0, 40)}"`,
    );
  return actions.filter(isRobotAction);
}

export function toRobot(row: RobotRow): RobotRecord {
  return {
    name: row.name,
    project: row.project,
    description: row.description,
    actions: toActions(row.name, row.actions),
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
  };
}

/** A system robot with its grants (`grants` sorted by project; `*` sorts first). */
export function toSystemRobot(
  row: SystemRobotRow,
  grantRows: readonly SystemRobotGrantRow[],
): SystemRobotRecord {
  const grants: RobotGrant[] = grantRows.map((grant) => ({
    project: grant.project,
    actions: toActions(row.name, grant.actions),
  }));
  if (row.all_projects !== null)
    grants.unshift({ project: ALL_PROJECTS, actions: toActions(row.name, row.all_projects) });
  return {
    name: row.name,
    description: row.description,
    grants,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
  };
}

export function toTagRule(row: TagRuleRow): TagRuleRecord {
  return {
    id: row.id,
    project: row.project,
    pattern: row.pattern,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}
