import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// OWASP's Password Storage Cheat Sheet lists scrypt N=2^15, r=8, p=3 as equivalent to its
// N=2^17, r=8, p=1 minimum while needing 32 MiB instead of 128 MiB per hash, which keeps several
// concurrent logins affordable on a small server. About 0.2 s per hash on a 2-core machine.
const CURRENT = { ln: 15, r: 8, p: 3 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// Upper bounds for stored parameters, so a tampered hash cannot make verification eat the machine.
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;

const PHC =
  /^\$scrypt\$ln=(?<ln>\d{1,2}),r=(?<r>\d{1,2}),p=(?<p>\d{1,2})\$(?<salt>[A-Za-z0-9+/]+)\$(?<hash>[A-Za-z0-9+/]+)$/;

interface Params {
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

function derive(password: string, salt: Buffer, params: Params, length: number): Promise<Buffer> {
  const N = 2 ** params.ln;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 128 * N * params.r * 2 };
  return new Promise((resolve, reject) => {
    // The async form runs in libuv's thread pool: the event loop keeps serving while it works.
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

function b64(data: Buffer): string {
  return data.toString('base64').replace(/=+$/, '');
}

/** Hashes a password into the PHC string format: `$scrypt$ln=15,r=8,p=3$<salt>$<hash>` (base64, no padding). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, CURRENT, KEY_BYTES);
  return `$scrypt$ln=${CURRENT.ln},r=${CURRENT.r},p=${CURRENT.p}$${b64(salt)}$${b64(key)}`;
}

function parse(encoded: string): { params: Params; salt: Buffer; hash: Buffer } | undefined {
  const groups = PHC.exec(encoded)?.groups;
  if (!groups) return undefined;
  const params = { ln: Number(groups['ln']), r: Number(groups['r']), p: Number(groups['p']) };
  if (
    params.ln < 1 ||
    params.ln > MAX_LN ||
    params.r < 1 ||
    params.r > MAX_R ||
    params.p < 1 ||
    params.p > MAX_P
  )
    return undefined;
  const salt = Buffer.from(groups['salt'] ?? '', 'base64');
  const hash = Buffer.from(groups['hash'] ?? '', 'base64');
  if (salt.length < 8 || hash.length < 16) return undefined;
  return { params, salt, hash };
}

/**
 * Checks a password against a stored hash in constant time. A hash that does not parse never
 * matches (and still costs a full derivation, so timing does not tell it apart).
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const stored = parse(encoded);
  if (!stored) {
    await derive(password, randomBytes(SALT_BYTES), CURRENT, KEY_BYTES);
    return false;
  }
  const key = await derive(password, stored.salt, stored.params, stored.hash.length);
  return timingSafeEqual(key, stored.hash);
}
