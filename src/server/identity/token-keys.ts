import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { ConfigError, describeCause } from '../../errors/index.js';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** RFC 7638 thumbprint of the public key, the `kid` of every token. */
  readonly kid: string;
  readonly path: string;
  readonly created: boolean;
  /** True when the file was readable by others and its mode was set back to 0600. */
  readonly tightened: boolean;
}

export const SIGNING_KEY_FILE = 'token-signing-key.pem';

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** Writes the key with mode 0600 from the start (never world-readable, not even briefly), then renames it in. */
async function writeKeyFile(path: string, pem: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(pem);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

async function finish(
  privateKey: KeyObject,
  path: string,
  created: boolean,
  tightened: boolean,
): Promise<SigningKey> {
  const publicKey = createPublicKey(privateKey);
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { privateKey, publicKey, kid, path, created, tightened };
}

/**
 * The ES256 (P-256) key that signs registry tokens, kept in `dir` as PKCS#8 PEM, mode 0600,
 * created on first start. Deleting the file rotates it: every token issued before stops working.
 */
export async function loadOrCreateSigningKey(dir: string): Promise<SigningKey> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, SIGNING_KEY_FILE);
  let pem: Buffer;
  try {
    pem = await readFile(path);
  } catch (error) {
    if (!isMissing(error))
      throw new ConfigError(
        'INVALID_CONFIG',
        `cannot read token signing key ${path}: ${describeCause(error)}`,
      );
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeKeyFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    return finish(privateKey, path, true, false);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new ConfigError(
      'INVALID_CONFIG',
      `token signing key ${path} is not a PEM private key: ${describeCause(error)}`,
    );
  }
  const curve = privateKey.asymmetricKeyDetails?.namedCurve;
  if (privateKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new ConfigError(
      'INVALID_CONFIG',
      `token signing key ${path} must be an EC P-256 key (ES256), found ${privateKey.asymmetricKeyType ?? 'unknown'} ${curve ?? ''}`.trim(),
    );
  }
  const mode = (await stat(path)).mode & 0o777;
  const tightened = (mode & 0o077) !== 0;
  if (tightened) await chmod(path, 0o600);
  return finish(privateKey, path, false, tightened);
}
