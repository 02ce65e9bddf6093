import { createHash, type Hash } from 'node:crypto';
import { ImageError } from './errors.js';

const DIGEST = /^(?<algorithm>[a-z0-9]+(?:[.+_-][a-z0-9]+)*):(?<encoded>[a-zA-Z0-9=_-]+)$/;
const HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha512: 128 };

export interface Digest {
  readonly algorithm: 'sha256' | 'sha512';
  readonly encoded: string;
}

/** Parses an OCI digest (`sha256:<64 hex>` or `sha512:<128 hex>`), refusing anything else. */
export function parseDigest(value: string): Digest {
  const match = DIGEST.exec(value);
  const algorithm = match?.groups?.['algorithm'];
  const encoded = match?.groups?.['encoded'];
  if (!algorithm || !encoded) {
    throw new ImageError('DIGEST_INVALID', `invalid digest "${value}"`);
  }
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new ImageError('DIGEST_INVALID', `unsupported digest algorithm "${algorithm}"`);
  }
  if (encoded.length !== HEX_LENGTH[algorithm] || !/^[a-f0-9]+$/.test(encoded)) {
    throw new ImageError('DIGEST_INVALID', `invalid ${algorithm} digest "${value}"`);
  }
  return { algorithm, encoded };
}

export function isDigest(value: string): boolean {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

export function sha256(data: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** An incremental hasher for a digest's algorithm, to verify a stream as it passes. */
export function digestHasher(digest: string): { hash: Hash; expected: string } {
  const { algorithm } = parseDigest(digest);
  return { hash: createHash(algorithm), expected: digest };
}

/** The content digest of bytes in the algorithm of an expected digest. */
export function digestOf(data: Uint8Array, algorithm: Digest['algorithm'] = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** Verifies bytes against a digest, throwing DIGEST_MISMATCH with the blob named. */
export function verifyDigest(data: Uint8Array, expected: string, what: string): void {
  const { algorithm } = parseDigest(expected);
  const actual = digestOf(data, algorithm);
  if (actual !== expected) {
    throw new ImageError(
      'DIGEST_MISMATCH',
      `${what}: digest mismatch (expected ${expected}, got ${actual})`,
      {
        details: { expected, actual },
      },
    );
  }
}
