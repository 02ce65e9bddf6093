import { ALL_PROJECTS, type RobotAction, type RobotGrant } from '../../store/index.js';
import { type AdminContext, type Caller, requireSystemAdmin, succeeded } from './admin-context.js';
import { IdentityError } from './errors.js';
import {
  checkProjectName,
  checkRobotShortName,
  parseRobotAccountName,
  parseSystemRobotAccountName,
  printable,
  systemRobotAccountName,
} from './names.js';
import { newRobotFields, robotNameTaken } from './robot-admin.js';
import { systemRobotView, type SystemRobotView } from './views.js';

export interface NewSystemRobotInput {
  /** The short name; the account is `robot$<name>`. */
  readonly name: string;
  readonly grants: readonly {
    readonly project: string;
    readonly actions: readonly RobotAction[];
  }[];
  readonly description: string;
  /** Lifetime from now; undefined: never expires. */
  readonly expiresInSeconds: number | undefined;
}

const TARGET = 'system robots';

/**
 * The grants, checked: each project named once (`*` for all projects), each with at least one
 * action, each project existing now. Actions are de-duplicated and kept in pull, push, delete order.
 */
function checkGrants(ctx: AdminContext, input: NewSystemRobotInput): RobotGrant[] {
  if (input.grants.length === 0)
    throw new IdentityError(
      'INVALID_REQUEST',
      'a system robot needs at least one grant (project and actions, or * for every project)',
    );
  const seen = new Set<string>();
  return input.grants.map((grant, index) => {
    const field = `grants[${index}]`;
    if (grant.project !== ALL_PROJECTS) checkProjectName(grant.project, `${field}.project`);
    if (seen.has(grant.project))
      throw new IdentityError(
        'INVALID_REQUEST',
        `${field}: project ${grant.project} is granted twice; list its actions once`,
      );
    seen.add(grant.project);
    if (grant.actions.length === 0)
      throw new IdentityError(
        'INVALID_REQUEST',
        `${field}: project ${grant.project} needs at least one action (pull, push, delete)`,
      );
    if (grant.project !== ALL_PROJECTS && !ctx.directory.project(grant.project))
      throw new IdentityError('NOT_FOUND', `${field}: project ${grant.project} not found`);
    const actions = (['pull', 'push', 'delete'] as const).filter((action) =>
      grant.actions.includes(action),
    );
    return { project: grant.project, actions };
  });
}

export async function listSystemRobots(
  ctx: AdminContext,
  caller: Caller,
): Promise<SystemRobotView[]> {
  requireSystemAdmin(ctx, caller, 'robot.read', TARGET, 'list system robot accounts');
  const now = ctx.now();
  return (await ctx.store.listSystemRobots()).map((robot) => systemRobotView(robot, now));
}

/** Creates a system robot (system admins only); its secret is in the answer once. */
export async function createSystemRobot(
  ctx: AdminContext,
  caller: Caller,
  input: NewSystemRobotInput,
): Promise<{ robot: SystemRobotView; secret: string }> {
  checkRobotShortName(input.name);
  const name = systemRobotAccountName(input.name);
  requireSystemAdmin(ctx, caller, 'robot.create', name, 'create system robot accounts');
  const grants = checkGrants(ctx, input);
  const { secret, now, record } = newRobotFields(ctx, caller, input.expiresInSeconds);
  const created = await ctx.store.createSystemRobot({
    name,
    description: input.description,
    grants,
    ...record,
  });
  if (!created.ok) {
    // A project deleted between the check above and the insert.
    if (created.reason === 'project-unknown')
      throw new IdentityError('NOT_FOUND', 'a granted project no longer exists');
    throw robotNameTaken(name);
  }
  ctx.directory.forgetRobot(name);
  succeeded(ctx, caller, 'robot.create', name);
  return { robot: systemRobotView(created.record, now), secret };
}

/** Revokes a system robot by its short or full name; its tokens stop working at once. */
export async function revokeSystemRobot(
  ctx: AdminContext,
  caller: Caller,
  name: string,
): Promise<SystemRobotView> {
  requireSystemAdmin(ctx, caller, 'robot.revoke', TARGET, 'revoke system robot accounts');
  if (parseRobotAccountName(name))
    throw new IdentityError(
      'NOT_FOUND',
      `robot account ${printable(name)} is a project robot; revoke it in its project`,
    );
  const short = name.startsWith('robot$') ? (parseSystemRobotAccountName(name) ?? '') : name;
  const full = systemRobotAccountName(checkRobotShortName(short));
  const revoked = await ctx.store.revokeSystemRobot(full, ctx.now());
  ctx.directory.forgetRobot(full);
  if (!revoked) throw new IdentityError('NOT_FOUND', `robot account ${printable(full)} not found`);
  succeeded(ctx, caller, 'robot.revoke', full);
  return systemRobotView(revoked, ctx.now());
}
