import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// A prefix lets secret scanners (and people) recognise a leaked robot secret.
const PREFIX = 'lyr_';

/** A new robot secret: 256 random bits, base64url, with the `lyr_` prefix. Shown once, never stored. */
export function newRobotSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * The stored form of a robot secret: SHA-256 (hex). A memory-hard KDF protects guessable
 * passwords; a 256-bit random secret cannot be guessed, so a fast hash protects it as well and
 * keeps robot logins (CI, many per minute) cheap.
 */
export function hashRobotSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function verifyRobotSecret(secret: string, storedHash: string): boolean {
  const presented = createHash('sha256').update(secret, 'utf8').digest();
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
