import * as z from 'zod';
import {
  PROJECT_ROLES,
  ROBOT_ACTIONS,
  type ProjectRole,
  type RobotAction,
} from '../../store/index.js';
import { IdentityError } from '../identity/index.js';

const name = z.string().min(1).max(256);
const password = z.string().min(1).max(1024);
const role = z.enum(PROJECT_ROLES as [ProjectRole, ...ProjectRole[]]);
const action = z.enum(ROBOT_ACTIONS as [RobotAction, ...RobotAction[]]);
// Ten years: long enough for any real robot, short enough to stay a number of milliseconds.
const MAX_LIFETIME_S = 10 * 365 * 24 * 3600;

export const newUserBody = z.object({ name, password, admin: z.boolean().default(false) }).strict();
export const updateUserBody = z.object({ admin: z.boolean() }).strict();
export const passwordBody = z.object({ password, currentPassword: password.optional() }).strict();
export const newProjectBody = z
  .object({ name, anonymousPull: z.boolean().default(false) })
  .strict();
export const updateProjectBody = z.object({ anonymousPull: z.boolean() }).strict();
export const newMemberBody = z.object({ user: name, role }).strict();
export const memberRoleBody = z.object({ role }).strict();
export const newRobotBody = z
  .object({
    name,
    actions: z.array(action).min(1).max(ROBOT_ACTIONS.length),
    description: z.string().max(1024).default(''),
    expiresInSeconds: z.number().int().positive().max(MAX_LIFETIME_S).optional(),
  })
  .strict();
// At most one grant per project; 256 covers any real set of projects and bounds the work.
const MAX_GRANTS = 256;
const MAX_LIFETIME_DAYS = 10 * 365;
export const newSystemRobotBody = z
  .object({
    name,
    description: z.string().max(1024).default(''),
    grants: z
      .array(
        z
          .object({
            // A project name or "*" (every project); the identity service checks the name.
            project: z.string().min(1).max(256),
            actions: z.array(action).min(1).max(ROBOT_ACTIONS.length),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_GRANTS),
    expiresInSeconds: z.number().int().positive().max(MAX_LIFETIME_S).optional(),
    expiresInDays: z.number().int().positive().max(MAX_LIFETIME_DAYS).optional(),
  })
  .strict()
  .refine((body) => body.expiresInSeconds === undefined || body.expiresInDays === undefined, {
    error: 'give expiresInSeconds or expiresInDays, not both',
    path: ['expiresInDays'],
  });

export const newTagRuleBody = z.object({ pattern: z.string().min(1).max(256) }).strict();

/** Validates an untrusted JSON body; the error names the first bad field and why. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === undefined || body === null)
    throw new IdentityError('INVALID_REQUEST', 'a JSON body is required');
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keys = issue && 'keys' in issue && Array.isArray(issue.keys) ? issue.keys.join(', ') : '';
  const field =
    [...(issue?.path ?? []).map(String), keys].filter((part) => part !== '').join('.') || '(body)';
  throw new IdentityError(
    'INVALID_REQUEST',
    `invalid field "${field}": ${issue?.message ?? 'invalid'}`,
  );
}

/** A numeric path parameter (rule ids). */
export function parseId(text: string, what: string): number {
  if (!/^\d{1,9}$/.test(text))
    throw new IdentityError(
      'INVALID_REQUEST',
      `invalid ${what} "${text.slice(0, 20)}": expected a number`,
    );
  return Number(text);
}
