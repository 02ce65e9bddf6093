import {
  type AdminContext,
  type Caller,
  requireSystemAdmin,
  requireUser,
  succeeded,
} from './admin-context.js';
import { IdentityError } from './errors.js';
import { checkPassword, checkUserName } from './names.js';
import { hashPassword } from './password-hash.js';
import { isSystemAdmin } from './principal.js';
import { userView, type UserView } from './views.js';

export interface NewUserInput {
  readonly name: string;
  readonly password: string;
  readonly admin: boolean;
}

async function existingUser(ctx: AdminContext, name: string) {
  const user = await ctx.directory.user(name);
  if (!user) throw new IdentityError('NOT_FOUND', `user ${name} not found`);
  return user;
}

export async function listUsers(ctx: AdminContext, caller: Caller): Promise<UserView[]> {
  requireSystemAdmin(ctx, caller, 'user.read', 'users', 'list users');
  return (await ctx.store.listUsers()).map(userView);
}

/** A user may read their own record; system admins read anyone's. */
export async function getUser(ctx: AdminContext, caller: Caller, name: string): Promise<UserView> {
  checkUserName(name);
  if (caller.principal.kind !== 'user' || caller.principal.name !== name)
    requireSystemAdmin(ctx, caller, 'user.read', name, 'read other users');
  return userView(await existingUser(ctx, name));
}

export async function createUser(
  ctx: AdminContext,
  caller: Caller,
  input: NewUserInput,
): Promise<UserView> {
  checkUserName(input.name);
  checkPassword(input.password);
  requireSystemAdmin(ctx, caller, 'user.create', input.name, 'create users');
  const created = await ctx.store.createUser({
    name: input.name,
    passwordHash: await hashPassword(input.password),
    admin: input.admin,
    createdAt: ctx.now(),
  });
  if (!created.ok) throw new IdentityError('CONFLICT', `user ${input.name} already exists`);
  ctx.directory.forgetUser(input.name);
  succeeded(ctx, caller, 'user.create', input.name);
  return userView(created.record);
}

/**
 * Changes a password. Users change their own by giving the current one (a stolen token alone
 * cannot take over the account); system admins may reset anyone else's. Every token and cached
 * login of the old password stops working.
 */
export async function setPassword(
  ctx: AdminContext,
  caller: Caller,
  name: string,
  password: string,
  currentPassword: string | undefined,
): Promise<UserView> {
  checkUserName(name);
  checkPassword(password, 'new password');
  requireUser(ctx, caller, 'user.password', name);
  const self = caller.principal.kind === 'user' && caller.principal.name === name;
  if (!self)
    requireSystemAdmin(ctx, caller, 'user.password', name, "change another user's password");
  const user = await existingUser(ctx, name);
  if (self) {
    if (currentPassword === undefined) {
      throw new IdentityError(
        'INVALID_REQUEST',
        'currentPassword is required to change your own password',
      );
    }
    if (
      !(await ctx.authenticator.confirmPassword(user, currentPassword, caller.source ?? 'unknown'))
    ) {
      throw new IdentityError('DENIED', 'the current password is wrong');
    }
  }
  const updated = await ctx.store.setPassword(name, await hashPassword(password), ctx.now());
  ctx.directory.forgetUser(name);
  if (!updated) throw new IdentityError('NOT_FOUND', `user ${name} not found`);
  succeeded(ctx, caller, 'user.password', name);
  return userView(updated);
}

export async function setUserAdmin(
  ctx: AdminContext,
  caller: Caller,
  name: string,
  admin: boolean,
): Promise<UserView> {
  checkUserName(name);
  requireSystemAdmin(ctx, caller, 'user.update', name, 'grant or take the system admin role');
  const result = await ctx.store.setAdmin(name, admin, ctx.now());
  ctx.directory.forgetUser(name);
  if (result === 'not-found') throw new IdentityError('NOT_FOUND', `user ${name} not found`);
  if (result === 'last-admin')
    throw new IdentityError('CONFLICT', `user ${name} is the last system administrator`);
  succeeded(ctx, caller, 'user.update', name);
  return userView(result);
}

export async function deleteUser(ctx: AdminContext, caller: Caller, name: string): Promise<void> {
  checkUserName(name);
  requireSystemAdmin(ctx, caller, 'user.delete', name, 'delete users');
  if (
    isSystemAdmin(caller.principal) &&
    caller.principal.kind === 'user' &&
    caller.principal.name === name
  ) {
    throw new IdentityError('CONFLICT', 'you cannot delete your own account');
  }
  const result = await ctx.store.removeUser(name);
  ctx.directory.forgetUser(name);
  if (result === 'not-found') throw new IdentityError('NOT_FOUND', `user ${name} not found`);
  if (result === 'last-admin')
    throw new IdentityError('CONFLICT', `user ${name} is the last system administrator`);
  succeeded(ctx, caller, 'user.delete', name);
}
