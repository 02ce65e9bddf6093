import { Readable } from 'node:stream';
import { ImageError } from '../../errors.js';
import { verifyDigest } from '../../digest.js';
import { isIndexMediaType, isManifestMediaType } from '../../media-types.js';
import { printable } from '../../printable.js';
import type { BlobFetcher } from '../../resolve.js';
import type { Descriptor } from '../../schemas.js';
import type { FetchedManifest, RegistryClient } from './client.js';
import type { RegistryOptions } from './options.js';
import { readCapped } from './read-body.js';

/** Configs are small JSON documents; a descriptor claiming more is refused before reading. */
const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
const RESUME_ATTEMPTS = 3;

function isTransient(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  return [
    'ECONNRESET',
    'EPIPE',
    'ETIMEDOUT',
    'UND_ERR_SOCKET',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_ABORTED',
  ].includes(code);
}

/**
 * A layer download as a stream. When the connection breaks mid-blob it asks again for the rest
 * with a Range request (or, if the registry ignores ranges, skips what it already has), so one
 * reset does not restart a large layer. The layer reader verifies the digest of the whole.
 */
export function blobStream(
  client: RegistryClient,
  descriptor: Descriptor,
  what: string,
  onProgress: RegistryOptions['onProgress'],
): Readable {
  async function* chunks(): AsyncGenerator<Buffer> {
    let received = 0;
    let response = await client.blob(descriptor.digest);
    for (let attempt = 0; ; attempt += 1) {
      let skip = response.status === 200 ? received : 0;
      try {
        for await (const chunk of response.body) {
          let buffer = chunk as Buffer;
          if (skip > 0) {
            const dropped = Math.min(skip, buffer.length);
            skip -= dropped;
            buffer = buffer.subarray(dropped);
            if (buffer.length === 0) continue;
          }
          received += buffer.length;
          onProgress?.({ digest: descriptor.digest, bytes: received, total: descriptor.size });
          yield buffer;
        }
        return;
      } catch (error) {
        if (!isTransient(error) || attempt >= RESUME_ATTEMPTS) {
          const why =
            (error as NodeJS.ErrnoException).code ??
            (error instanceof Error ? error.message : String(error));
          throw new ImageError(
            'REGISTRY_ERROR',
            `${what}: download of blob ${descriptor.digest} from ${client.reference.registry} broke after ${received} bytes (${printable(why, 120)})`,
            {
              cause: error,
            },
          );
        }
      }
      response = await client.blob(descriptor.digest, received);
    }
  }
  return Readable.from(chunks(), { objectMode: false, highWaterMark: 1024 * 1024 });
}

/**
 * Blobs of one registry repository for the resolver: manifests and indexes from the manifests
 * endpoint, configs from the blobs endpoint, both read whole and verified against their digest
 * and size; layers as streams (verified by the layer reader).
 */
export function registryFetcher(
  client: RegistryClient,
  top: FetchedManifest,
  what: string,
  options: RegistryOptions,
): BlobFetcher {
  return {
    async readVerified(descriptor) {
      if (descriptor.digest === top.digest) return top.bytes;
      const isManifest =
        isIndexMediaType(descriptor.mediaType) || isManifestMediaType(descriptor.mediaType);
      let bytes: Buffer;
      if (isManifest) {
        bytes = (await client.manifest(descriptor.digest)).bytes;
      } else {
        if (descriptor.size !== undefined && descriptor.size > MAX_CONFIG_BYTES) {
          throw new ImageError(
            'SIZE_LIMIT',
            `${what}: blob ${descriptor.digest} declares ${descriptor.size} bytes, more than the ${MAX_CONFIG_BYTES} a config may have`,
          );
        }
        const response = await client.blob(descriptor.digest);
        bytes = await readCapped(
          response,
          descriptor.size ?? MAX_CONFIG_BYTES,
          `${what}: blob ${descriptor.digest}`,
        );
      }
      verifyDigest(bytes, descriptor.digest, `${what}: blob ${descriptor.digest}`);
      if (descriptor.size !== undefined && bytes.length !== descriptor.size) {
        throw new ImageError(
          'DIGEST_MISMATCH',
          `${what}: blob ${descriptor.digest} has ${bytes.length} bytes but its descriptor declares ${descriptor.size}`,
        );
      }
      return bytes;
    },
    openBlob(descriptor) {
      return Promise.resolve(blobStream(client, descriptor, what, options.onProgress));
    },
  };
}
