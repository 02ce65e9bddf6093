import { createWriteStream } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { digestHasher } from '../digest.js';
import { ImageError } from '../errors.js';
import type { Descriptor } from '../schemas.js';
import type { RegistryClient } from '../sources/registry/client.js';
import { blobStream } from '../sources/registry/fetcher.js';
import type { RegistryOptions } from '../sources/registry/options.js';

/**
 * Checks a blob as it passes: not one byte past the size its descriptor declares (a registry
 * cannot fill the disk), and at the end exactly that size and that digest.
 */
export function verifyingStream(descriptor: Descriptor, what: string): Transform {
  const { hash } = digestHasher(descriptor.digest);
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > descriptor.size) {
        done(
          new ImageError(
            'DIGEST_MISMATCH',
            `${what}: blob ${descriptor.digest} is larger than the ${descriptor.size} bytes its descriptor declares`,
          ),
        );
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = `${descriptor.digest.slice(0, descriptor.digest.indexOf(':'))}:${hash.digest('hex')}`;
      if (seen !== descriptor.size) {
        done(
          new ImageError(
            'DIGEST_MISMATCH',
            `${what}: blob ${descriptor.digest} has ${seen} bytes but its descriptor declares ${descriptor.size}`,
          ),
        );
      } else if (actual !== descriptor.digest) {
        done(
          new ImageError(
            'DIGEST_MISMATCH',
            `${what}: blob ${descriptor.digest}: digest mismatch (got ${actual})`,
            { details: { expected: descriptor.digest, actual } },
          ),
        );
      } else {
        done();
      }
    },
  });
}

/** Streams a blob into a new file (`wx`: never over an existing one), verified, flushed to disk before it closes. */
export async function downloadToFile(
  client: RegistryClient,
  descriptor: Descriptor,
  path: string,
  onProgress: RegistryOptions['onProgress'],
): Promise<void> {
  await pipeline(
    blobStream(client, descriptor, client.what, onProgress),
    verifyingStream(descriptor, client.what),
    createWriteStream(path, { flags: 'wx', flush: true }),
  );
}

/** A blob read into memory, verified (its size was checked against the caller's limit before). */
export async function downloadToMemory(
  client: RegistryClient,
  descriptor: Descriptor,
  onProgress: RegistryOptions['onProgress'],
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const collect = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  await pipeline(
    blobStream(client, descriptor, client.what, onProgress),
    verifyingStream(descriptor, client.what),
    collect,
  );
  return Buffer.concat(chunks);
}
