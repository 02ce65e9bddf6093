import type { RobotRecord, SystemRobotRecord } from '../../store/index.js';
import type { Principal } from './principal.js';

/** A project robot or a system robot, as the request path sees either. */
export type RobotAccount = RobotRecord | SystemRobotRecord;

function isSystemRobot(robot: RobotAccount): robot is SystemRobotRecord {
  return 'grants' in robot;
}

/** The principal of a robot account: a project robot is one grant on its project. */
export function robotPrincipal(robot: RobotAccount): Principal {
  if (isSystemRobot(robot))
    return { kind: 'robot', name: robot.name, project: undefined, grants: robot.grants };
  return {
    kind: 'robot',
    name: robot.name,
    project: robot.project,
    grants: [{ project: robot.project, actions: robot.actions }],
  };
}

/** Why a robot cannot sign in now (revoked, expired), or undefined when it can. */
export function robotUnusable(robot: RobotAccount, now: number): string | undefined {
  if (robot.revokedAt !== undefined) return `robot account ${robot.name} has been revoked`;
  if (robot.expiresAt !== undefined && robot.expiresAt <= now)
    return `robot account ${robot.name} expired at ${new Date(robot.expiresAt).toISOString()}`;
  return undefined;
}
