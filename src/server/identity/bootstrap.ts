import { ConfigError } from '../../errors/index.js';
import type { IdentityStore } from '../../store/index.js';
import { IdentityError } from './errors.js';
import { checkPassword, checkUserName } from './names.js';
import { hashPassword } from './password-hash.js';

export type BootstrapResult = 'created' | 'exists' | 'no-admin';

/**
 * The first system admin, from LOCKYARD_ADMIN_PASSWORD, created only when no admin exists yet
 * (as Harbor does with HARBOR_ADMIN_PASSWORD): changing the variable later changes nothing; use
 * `lockyard registry user passwd`. The password is never logged or stored in clear.
 */
export async function ensureFirstAdmin(
  store: IdentityStore,
  username: string,
  password: string | undefined,
  now: number,
): Promise<BootstrapResult> {
  const users = await store.listUsers();
  if (users.some((user) => user.admin)) return 'exists';
  if (password === undefined || password === '') return 'no-admin';
  try {
    checkUserName(username, 'auth.adminUsername');
    checkPassword(password, 'LOCKYARD_ADMIN_PASSWORD');
  } catch (error) {
    if (error instanceof IdentityError) throw new ConfigError('INVALID_CONFIG', error.message);
    throw error;
  }
  const created = await store.createUser({
    name: username,
    passwordHash: await hashPassword(password),
    admin: true,
    createdAt: now,
  });
  if (!created.ok)
    throw new ConfigError(
      'INVALID_CONFIG',
      `cannot create the first system administrator: a user ${username} already exists; set auth.adminUsername to another name`,
    );
  return 'created';
}
