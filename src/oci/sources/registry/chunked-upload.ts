import { ImageError } from '../../errors.js';
import { rangeBody, type BlobSource, type SentDigest } from './blob-source.js';
import type { RegistryClient } from './client.js';
import type { HttpResponse } from './http.js';
import {
  isTransient,
  nextLocation,
  receivedBytes,
  SessionLost,
  sessionStatus,
  TRANSIENT_STATUS,
  type UploadSession,
} from './upload-session.js';

export interface ChunkPlan {
  /** Bytes per PATCH; the registry's `OCI-Chunk-Min-Length` wins when it is larger. */
  readonly chunkSize: number;
  /** How many broken or refused chunks may be resumed from the registry's Range before giving up. */
  readonly recoveries: number;
  readonly onBytes?: (position: number) => void;
}

function brokenRange(client: RegistryClient, digest: string, why: string): ImageError {
  return new ImageError(
    'UPLOAD_INVALID',
    `${client.what}: upload of blob ${digest} to ${client.place}: ${why}`,
    {
      details: {
        registry: client.reference.registry,
        repository: client.reference.repository,
        digest,
      },
    },
  );
}

/**
 * Sends a blob as PATCH requests with `Content-Range`, each chunk streamed from the source (a
 * file is never in memory), following the Location each answer gives. A chunk that breaks (a
 * reset, a 502/503/504) or that the registry refuses with 416 is resumed from the offset the
 * registry reports (`GET` on the session), as the distribution spec describes; a lost session
 * (404) throws SessionLost for the caller to start over. Returns the session to complete.
 */
export async function sendChunks(
  client: RegistryClient,
  source: BlobSource,
  start: UploadSession,
  sent: SentDigest,
  plan: ChunkPlan,
): Promise<UploadSession> {
  let session = start;
  const size = Math.max(plan.chunkSize, session.minChunk, 1);
  let offset = 0;
  let recoveries = 0;
  const recover = async (): Promise<void> => {
    recoveries += 1;
    if (recoveries > plan.recoveries)
      throw brokenRange(client, source.digest, `gave up after ${plan.recoveries} resumed chunks`);
    const status = await sessionStatus(client, session, offset, source.digest);
    if (status.received > source.size)
      throw brokenRange(
        client,
        source.digest,
        `the registry holds ${status.received} bytes of a ${source.size}-byte blob`,
      );
    session = status.session;
    offset = status.received;
  };
  while (offset < source.size) {
    const end = Math.min(offset + size, source.size);
    let response: HttpResponse;
    try {
      response = await client.request(session.location, {
        method: 'PATCH',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(end - offset),
          'content-range': `${offset}-${end - 1}`,
        },
        body: rangeBody(source, offset, end, sent, plan.onBytes),
        idempotent: false,
      });
    } catch (error) {
      if (!isTransient(error) || error instanceof SessionLost) throw error;
      await recover();
      continue;
    }
    if (response.status === 202) {
      await response.body.dump();
      const received = receivedBytes(response, end) ?? end;
      // A registry may keep less than a chunk (it then says so in Range); never more than was sent.
      if (received > end || received < offset)
        throw brokenRange(
          client,
          source.digest,
          `after bytes ${offset}-${end - 1} the registry reports ${received} bytes`,
        );
      session = { ...session, location: nextLocation(client, response, session.location) };
      offset = received;
      continue;
    }
    if (response.status === 404) {
      await response.body.dump();
      throw new SessionLost();
    }
    if (response.status === 416 || TRANSIENT_STATUS.has(response.status)) {
      await response.body.dump();
      await recover();
      continue;
    }
    throw await client.refusal(response, `bytes ${offset}-${end - 1} of blob ${source.digest}`, {
      notFound: 'UPLOAD_INVALID',
      tooLargeHint: `that chunk was ${end - offset} bytes; push with a smaller chunk size`,
    });
  }
  return session;
}
