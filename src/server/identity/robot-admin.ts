import type { RobotAction } from '../../store/index.js';
import { type AdminContext, type Caller, requireProject, succeeded } from './admin-context.js';
import { IdentityError } from './errors.js';
import {
  checkRobotShortName,
  checkTagPattern,
  parseRobotAccountName,
  parseSystemRobotAccountName,
  printable,
  robotAccountName,
} from './names.js';
import { actorName } from './principal.js';
import { hashRobotSecret, newRobotSecret } from './robot-secret.js';
import { robotView, tagRuleView, type RobotView, type TagRuleView } from './views.js';

export interface NewRobotInput {
  /** The short name; the account is `robot$<project>+<name>`. */
  readonly name: string;
  readonly actions: readonly RobotAction[];
  readonly description: string;
  /** Lifetime from now; undefined: never expires. */
  readonly expiresInSeconds: number | undefined;
}

/**
 * The fields every new robot account (project or system) starts with: a fresh secret, of which
 * only the hash is stored, who created it and when, and its expiry.
 */
export function newRobotFields(
  ctx: AdminContext,
  caller: Caller,
  expiresInSeconds: number | undefined,
): {
  secret: string;
  now: number;
  record: {
    secretHash: string;
    createdAt: number;
    createdBy: string;
    expiresAt: number | undefined;
  };
} {
  const secret = newRobotSecret();
  const now = ctx.now();
  return {
    secret,
    now,
    record: {
      secretHash: hashRobotSecret(secret),
      createdAt: now,
      createdBy: actorName(caller.principal),
      expiresAt: expiresInSeconds === undefined ? undefined : now + expiresInSeconds * 1000,
    },
  };
}

/** A robot name is never reused, not even after the robot was revoked. */
export function robotNameTaken(name: string): IdentityError {
  return new IdentityError(
    'CONFLICT',
    `robot account ${name} already exists (names of revoked robots are not reused)`,
  );
}

export async function listRobots(
  ctx: AdminContext,
  caller: Caller,
  project: string,
): Promise<RobotView[]> {
  await requireProject(ctx, caller, project, 'robot-admin', 'project.read');
  const now = ctx.now();
  return (await ctx.store.listRobots(project)).map((robot) => robotView(robot, now));
}

/** Creates a robot account; its secret is in the answer once and only its hash is kept. */
export async function createRobot(
  ctx: AdminContext,
  caller: Caller,
  project: string,
  input: NewRobotInput,
): Promise<{ robot: RobotView; secret: string }> {
  checkRobotShortName(input.name);
  await requireProject(ctx, caller, project, 'robot-admin', 'robot.create');
  if (input.actions.length === 0)
    throw new IdentityError(
      'INVALID_REQUEST',
      'a robot account needs at least one action (pull, push, delete)',
    );
  const name = robotAccountName(project, input.name);
  const { secret, now, record } = newRobotFields(ctx, caller, input.expiresInSeconds);
  const created = await ctx.store.createRobot({
    name,
    project,
    description: input.description,
    actions: [...new Set(input.actions)],
    ...record,
  });
  if (!created.ok) {
    if (created.reason === 'project-unknown')
      throw new IdentityError('NOT_FOUND', `project ${project} not found`);
    throw robotNameTaken(name);
  }
  ctx.directory.forgetRobot(name);
  succeeded(ctx, caller, 'robot.create', name);
  return { robot: robotView(created.record, now), secret };
}

/** Revokes a robot by its short or full name; its tokens stop working at once. */
export async function revokeRobot(
  ctx: AdminContext,
  caller: Caller,
  project: string,
  name: string,
): Promise<RobotView> {
  await requireProject(ctx, caller, project, 'robot-admin', 'robot.revoke');
  const parsed = parseRobotAccountName(name);
  if (!parsed && parseSystemRobotAccountName(name) !== undefined)
    throw new IdentityError(
      'NOT_FOUND',
      `robot account ${printable(name)} is a system robot, not one of project ${project}`,
    );
  if (parsed && parsed.project !== project)
    throw new IdentityError(
      'NOT_FOUND',
      `robot account ${printable(name)} does not belong to project ${project}`,
    );
  const full = parsed ? name : robotAccountName(project, checkRobotShortName(name));
  const revoked = await ctx.store.revokeRobot(full, ctx.now());
  ctx.directory.forgetRobot(full);
  if (!revoked) throw new IdentityError('NOT_FOUND', `robot account ${printable(full)} not found`);
  succeeded(ctx, caller, 'robot.revoke', full);
  return robotView(revoked, ctx.now());
}

export async function listTagRules(
  ctx: AdminContext,
  caller: Caller,
  project: string,
): Promise<TagRuleView[]> {
  await requireProject(ctx, caller, project, 'view', 'project.read');
  return (await ctx.store.listTagRules(project)).map(tagRuleView);
}

export async function addTagRule(
  ctx: AdminContext,
  caller: Caller,
  project: string,
  pattern: string,
): Promise<TagRuleView> {
  checkTagPattern(pattern);
  await requireProject(ctx, caller, project, 'tag-rule-admin', 'tag-rule.create');
  const created = await ctx.store.addTagRule({
    project,
    pattern,
    createdAt: ctx.now(),
    createdBy: actorName(caller.principal),
  });
  if (!created.ok) {
    throw created.reason === 'exists'
      ? new IdentityError(
          'CONFLICT',
          `project ${project} already has the immutable-tag rule "${pattern}"`,
        )
      : new IdentityError('NOT_FOUND', `project ${project} not found`);
  }
  ctx.directory.setRules(project, await ctx.store.listTagRules(project));
  succeeded(ctx, caller, 'tag-rule.create', `${project}:${pattern}`);
  return tagRuleView(created.record);
}

export async function removeTagRule(
  ctx: AdminContext,
  caller: Caller,
  project: string,
  id: number,
): Promise<void> {
  await requireProject(ctx, caller, project, 'tag-rule-admin', 'tag-rule.delete');
  if (!(await ctx.store.removeTagRule(project, id)))
    throw new IdentityError('NOT_FOUND', `project ${project} has no immutable-tag rule ${id}`);
  ctx.directory.setRules(project, await ctx.store.listTagRules(project));
  succeeded(ctx, caller, 'tag-rule.delete', `${project}:${id}`);
}
