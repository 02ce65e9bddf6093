import { ImageError } from '../../errors.js';
import { parseDigest } from '../../digest.js';
import { printable } from '../../printable.js';
import type { RegistryClient } from './client.js';
import { header, type HttpResponse } from './http.js';

/** An upload in progress: where to send the next request, and the registry's smallest chunk. */
export interface UploadSession {
  readonly location: URL;
  /** `OCI-Chunk-Min-Length` from the POST answer (0 when the registry names none). */
  readonly minChunk: number;
}

/** The registry no longer knows the session (404): the spec says to start the upload again. */
export class SessionLost extends Error {}

/** 502, 503 and 504 mean "try again" for uploads (distribution spec); other 5xx are final. */
export const TRANSIENT_STATUS: ReadonlySet<number> = new Set([502, 503, 504]);

/** A broken connection or a timeout (not a refusal): an upload may resume or restart after it. */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof SessionLost ||
    (error instanceof ImageError && error.details['network'] === true)
  );
}

const RANGE = /^(?:bytes=)?(?<start>\d+)-(?<end>\d+)$/;

/**
 * How many bytes the registry holds, from its non-standard `Range: 0-<last byte>` answer. "0-0"
 * means both "nothing yet" (Distribution's form for an empty upload) and "one byte"; `hint` (what
 * we believe) decides. Undefined when the header is missing or malformed.
 */
export function receivedBytes(response: HttpResponse, hint: number): number | undefined {
  const match = RANGE.exec(header(response, 'range')?.trim() ?? '');
  if (!match?.groups) return undefined;
  const end = Number(match.groups['end']);
  if (!Number.isSafeInteger(end) || Number(match.groups['start']) !== 0) return undefined;
  if (end === 0) return hint === 1 ? 1 : 0;
  return end + 1;
}

/** The Location of the next request, resolved against the answer's URL; it may only stay on HTTP(S). */
export function nextLocation(client: RegistryClient, response: HttpResponse, current?: URL): URL {
  const value = header(response, 'location');
  if (!value) {
    if (current) return current;
    throw new ImageError(
      'UPLOAD_INVALID',
      `${client.what}: registry ${client.reference.registry} started an upload to ${client.place} without a Location header`,
    );
  }
  let url: URL;
  try {
    url = new URL(value, response.url);
  } catch {
    throw new ImageError(
      'UPLOAD_INVALID',
      `${client.what}: registry ${client.reference.registry} gave an invalid upload Location "${printable(value, 120)}"`,
    );
  }
  const plainAllowed =
    url.protocol === 'http:' &&
    (response.url.protocol === 'http:' || client.http.isInsecureHostname(url.hostname));
  if (url.protocol !== 'https:' && !plainAllowed) {
    throw new ImageError(
      'UPLOAD_INVALID',
      `${client.what}: registry ${client.reference.registry} gave an upload Location on ${printable(url.protocol)}//${printable(url.host)}, which is not allowed from HTTPS`,
    );
  }
  return url;
}

function minimumChunk(response: HttpResponse): number {
  const value = Number(header(response, 'oci-chunk-min-length') ?? '0');
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** A session from a 202 answer (a POST, or a mount the registry could not do). */
export function sessionFrom(client: RegistryClient, response: HttpResponse): UploadSession {
  return { location: nextLocation(client, response), minChunk: minimumChunk(response) };
}

/** POST /blobs/uploads/: a new, empty upload session. */
export async function startSession(client: RegistryClient, digest: string): Promise<UploadSession> {
  const response = await client.request('blobs/uploads/', {
    method: 'POST',
    headers: { 'content-length': '0' },
  });
  if (response.status !== 202)
    throw await client.refusal(response, `an upload of blob ${digest}`, 'NAME_UNKNOWN');
  await response.body.dump();
  return sessionFrom(client, response);
}

/** GET on the session: how much the registry holds and where to go on (after a failed chunk). */
export async function sessionStatus(
  client: RegistryClient,
  session: UploadSession,
  hint: number,
  digest: string,
): Promise<{ session: UploadSession; received: number }> {
  const response = await client.request(session.location);
  // 404: the session is gone. 400: Distribution cancels a session whose file holds more than its
  // state token says (a chunk broke midway). Either way only a new upload can go on.
  if (response.status === 404 || response.status === 400) {
    await response.body.dump();
    throw new SessionLost();
  }
  if (response.status !== 204 && response.status !== 200)
    throw await client.refusal(response, `the upload of blob ${digest}`, 'UPLOAD_INVALID');
  await response.body.dump();
  const received = receivedBytes(response, hint);
  if (received === undefined) {
    throw new ImageError(
      'UPLOAD_INVALID',
      `${client.what}: registry ${client.reference.registry} did not say how much of blob ${digest} it holds (no Range in the upload status)`,
    );
  }
  return {
    session: { ...session, location: nextLocation(client, response, session.location) },
    received,
  };
}

/** DELETE on the session, so the registry can drop what it holds; failures do not matter (the spec). */
export async function cancelSession(client: RegistryClient, session: UploadSession): Promise<void> {
  try {
    const response = await client.request(session.location, {
      method: 'DELETE',
      idempotent: false,
    });
    await response.body.dump();
  } catch {
    // The session expires on its own.
  }
}

/** The URL that completes a session: its Location plus `digest=`, keeping the registry's own parameters. */
export function completionUrl(session: UploadSession, digest: string): URL {
  const url = new URL(session.location);
  url.searchParams.set('digest', digest);
  return url;
}

/**
 * Checks a `Docker-Content-Digest` answer: the registry may name the blob with another algorithm,
 * but one of the same algorithm must be ours.
 */
export function checkAnsweredDigest(
  client: RegistryClient,
  response: HttpResponse,
  expected: string,
  subject: string,
): void {
  const answered = header(response, 'docker-content-digest')?.trim();
  if (!answered) return;
  const algorithm = parseDigest(expected).algorithm;
  if (answered.startsWith(`${algorithm}:`) && answered !== expected) {
    throw new ImageError(
      'DIGEST_MISMATCH',
      `${client.what}: registry ${client.reference.registry} stored ${subject} in ${client.place} as ${printable(answered, 140)}, not ${expected}`,
      {
        details: {
          registry: client.reference.registry,
          repository: client.reference.repository,
          expected,
          answered: printable(answered, 140),
        },
      },
    );
  }
}
