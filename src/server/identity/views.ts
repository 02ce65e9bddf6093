import type {
  MemberRecord,
  ProjectRecord,
  ProjectRole,
  RobotAction,
  RobotGrant,
  RobotRecord,
  SystemRobotRecord,
  TagRuleRecord,
  UserRecord,
} from '../../store/index.js';

/** What the admin API shows of a user: never the password hash. */
export interface UserView {
  readonly name: string;
  readonly admin: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ProjectView {
  readonly name: string;
  readonly anonymousPull: boolean;
  readonly createdAt: string;
  readonly createdBy: string;
  /** The caller's role in it, when they are a member. */
  readonly role?: ProjectRole;
}

export interface MemberView {
  readonly user: string;
  readonly role: ProjectRole;
  readonly createdAt: string;
}

/** What the admin API shows of a robot: never the secret or its hash. */
export interface RobotView {
  readonly name: string;
  readonly project: string;
  readonly description: string;
  readonly actions: readonly RobotAction[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly state: 'active' | 'expired' | 'revoked';
}

/** A system robot as the admin API shows it: its grants, never the secret or its hash. */
export interface SystemRobotView {
  readonly name: string;
  readonly level: 'system';
  readonly description: string;
  readonly grants: readonly RobotGrant[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  readonly state: 'active' | 'expired' | 'revoked';
}

export interface TagRuleView {
  readonly id: number;
  readonly pattern: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function userView(user: UserRecord): UserView {
  return {
    name: user.name,
    admin: user.admin,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
  };
}

export function projectView(project: ProjectRecord, role?: ProjectRole): ProjectView {
  const view = {
    name: project.name,
    anonymousPull: project.anonymousPull,
    createdAt: iso(project.createdAt),
    createdBy: project.createdBy,
  };
  return role === undefined ? view : { ...view, role };
}

export function memberView(member: MemberRecord): MemberView {
  return { user: member.user, role: member.role, createdAt: iso(member.createdAt) };
}

function robotState(
  robot: RobotRecord | SystemRobotRecord,
  now: number,
): 'active' | 'expired' | 'revoked' {
  if (robot.revokedAt !== undefined) return 'revoked';
  return robot.expiresAt !== undefined && robot.expiresAt <= now ? 'expired' : 'active';
}

export function systemRobotView(robot: SystemRobotRecord, now: number): SystemRobotView {
  return {
    name: robot.name,
    level: 'system',
    description: robot.description,
    grants: robot.grants,
    createdAt: iso(robot.createdAt),
    createdBy: robot.createdBy,
    expiresAt: robot.expiresAt === undefined ? null : iso(robot.expiresAt),
    revokedAt: robot.revokedAt === undefined ? null : iso(robot.revokedAt),
    state: robotState(robot, now),
  };
}

export function robotView(robot: RobotRecord, now: number): RobotView {
  const state = robotState(robot, now);
  return {
    name: robot.name,
    project: robot.project,
    description: robot.description,
    actions: robot.actions,
    createdAt: iso(robot.createdAt),
    createdBy: robot.createdBy,
    expiresAt: robot.expiresAt === undefined ? null : iso(robot.expiresAt),
    revokedAt: robot.revokedAt === undefined ? null : iso(robot.revokedAt),
    state,
  };
}

export function tagRuleView(rule: TagRuleRecord): TagRuleView {
  return {
    id: rule.id,
    pattern: rule.pattern,
    createdAt: iso(rule.createdAt),
    createdBy: rule.createdBy,
  };
}
