import { setTimeout as sleep } from 'node:timers/promises';
import { ImageError } from '../../errors.js';
import { printable } from '../../printable.js';
import { isValidRepositoryName } from '../../reference.js';
import { rangeBody, SentDigest, type BlobSource } from './blob-source.js';
import { sendChunks } from './chunked-upload.js';
import type { RegistryClient } from './client.js';
import { registryErrorOf } from './refusal.js';
import { readErrorBody } from './read-body.js';
import type { HttpResponse } from './http.js';
import {
  cancelSession,
  checkAnsweredDigest,
  completionUrl,
  isTransient,
  receivedBytes,
  SessionLost,
  sessionFrom,
  startSession,
  TRANSIENT_STATUS,
  type UploadSession,
} from './upload-session.js';

/** What happened to one blob: already there, mounted from another repository, or uploaded. */
export type BlobOutcome = 'exists' | 'mounted' | 'uploaded';

export interface BlobPushOptions {
  /** Blobs up to this size go in one request; larger ones in PATCH chunks of this size (default 8 MiB). */
  readonly chunkSize?: number;
  /** Repositories of the same registry to mount blobs from before uploading them. */
  readonly mountFrom?: readonly string[];
  /** How many times a broken upload is resumed or restarted (default 4). */
  readonly attempts?: number;
  readonly onProgress?: (event: {
    digest: string;
    bytes: number;
    total: number | undefined;
  }) => void;
}

export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;

/**
 * Pushes blobs into one repository, following the distribution spec: HEAD to skip what is there,
 * a cross-repository mount when a source repository is known, then an upload — one request
 * (`POST ?digest=`, falling back to POST then PUT for registries without it) for blobs up to the
 * chunk size, PATCH chunks for larger ones. Uploads that break restart from a new session; the
 * session of a failed upload is cancelled.
 */
export class BlobPusher {
  private readonly chunkSize: number;
  private readonly attempts: number;
  private readonly mountFrom: readonly string[];
  /** Whether the registry completed a `POST ?digest=` upload (learned on the first blob, usually the tiny config). */
  private singlePost: 'unknown' | 'yes' | 'no' = 'unknown';

  constructor(
    private readonly client: RegistryClient,
    private readonly options: BlobPushOptions = {},
  ) {
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isSafeInteger(this.chunkSize) || this.chunkSize < 1) {
      throw new ImageError(
        'ARTIFACT_INVALID',
        `chunk size must be a positive number of bytes, not ${this.chunkSize}`,
      );
    }
    this.attempts = 1 + (options.attempts ?? 4);
    this.mountFrom = (options.mountFrom ?? []).filter(
      (from) => from !== client.reference.repository,
    );
    for (const from of this.mountFrom) {
      if (!isValidRepositoryName(from))
        throw new ImageError(
          'ARTIFACT_INVALID',
          `cannot mount blobs from "${printable(from)}": not a valid repository name`,
        );
    }
  }

  /** HEAD on the blob: whether the repository already has it. */
  async exists(digest: string): Promise<boolean> {
    const response = await this.client.request(`blobs/${digest}`, { method: 'HEAD' });
    await response.body.dump();
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    throw await this.client.refusal(response, `blob ${digest}`, 'BLOB_UNKNOWN');
  }

  async push(source: BlobSource): Promise<BlobOutcome> {
    if (await this.exists(source.digest)) return 'exists';
    let session: UploadSession | undefined;
    for (const from of this.mountFrom) {
      const response = await this.client.request(
        `blobs/uploads/?mount=${encodeURIComponent(source.digest)}&from=${encodeURIComponent(from)}`,
        {
          method: 'POST',
          headers: { 'content-length': '0' },
        },
      );
      if (response.status === 201) {
        await response.body.dump();
        checkAnsweredDigest(this.client, response, source.digest, `blob ${source.digest}`);
        return 'mounted';
      }
      if (response.status !== 202)
        throw await this.client.refusal(
          response,
          `a mount of blob ${source.digest} from ${from}`,
          'NAME_UNKNOWN',
        );
      await response.body.dump();
      // The spec's fallback: the registry opened an ordinary upload session instead.
      if (session) await cancelSession(this.client, session);
      session = sessionFrom(this.client, response);
    }
    await this.upload(source, session);
    return 'uploaded';
  }

  /** Uploads with restarts: a broken upload (or a lost session) starts over with a new session. */
  private async upload(source: BlobSource, first: UploadSession | undefined): Promise<void> {
    let session = first;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.uploadOnce(source, session);
        return;
      } catch (error) {
        if (!isTransient(error) || attempt >= this.attempts) {
          if (error instanceof SessionLost)
            throw new ImageError(
              'UPLOAD_INVALID',
              `${this.client.what}: registry ${this.client.reference.registry} kept losing the upload of blob ${source.digest} to ${this.client.place}`,
            );
          throw error;
        }
        session = undefined;
        await sleep(100 * 2 ** (attempt - 1));
      }
    }
  }

  private async uploadOnce(source: BlobSource, given: UploadSession | undefined): Promise<void> {
    const sent = new SentDigest(source.digest);
    const onBytes = (position: number): void =>
      this.options.onProgress?.({ digest: source.digest, bytes: position, total: source.size });
    let session = given;
    if (!session && source.size <= this.chunkSize && this.singlePost !== 'no') {
      const done = await this.singleRequest(source, sent, onBytes);
      if (done === true) return;
      session = done;
    }
    session ??= await startSession(this.client, source.digest);
    try {
      if (source.size <= this.chunkSize) {
        await this.complete(
          source,
          session,
          sent,
          rangeBody(source, 0, source.size, sent, onBytes),
        );
        return;
      }
      session = await sendChunks(this.client, source, session, sent, {
        chunkSize: this.chunkSize,
        recoveries: this.attempts - 1,
        onBytes,
      });
      await this.complete(source, session, sent, undefined);
    } catch (error) {
      if (!(error instanceof SessionLost)) await cancelSession(this.client, session);
      throw error;
    }
  }

  /** `POST ?digest=` with the whole blob; true when done, else the session a registry without it opened. */
  private async singleRequest(
    source: BlobSource,
    sent: SentDigest,
    onBytes: (position: number) => void,
  ): Promise<true | UploadSession> {
    const response = await this.client.request(
      `blobs/uploads/?digest=${encodeURIComponent(source.digest)}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(source.size),
        },
        body: rangeBody(source, 0, source.size, sent, onBytes),
      },
    );
    if (response.status === 201) {
      await response.body.dump();
      this.singlePost = 'yes';
      checkAnsweredDigest(this.client, response, source.digest, `blob ${source.digest}`);
      return true;
    }
    if (response.status === 405 || response.status === 415 || response.status === 501) {
      // Not the spec's 202 fallback, but as plain a "not here": use the two-request form.
      await response.body.dump();
      this.singlePost = 'no';
      return startSession(this.client, source.digest);
    }
    if (response.status !== 202) throw await this.uploadRefusal(response, source, sent);
    await response.body.dump();
    this.singlePost = 'no';
    const session = sessionFrom(this.client, response);
    // The spec's fallback is a fresh session; one that kept part of the body cannot be trusted.
    if ((receivedBytes(response, 0) ?? 0) === 0) return session;
    await cancelSession(this.client, session);
    return startSession(this.client, source.digest);
  }

  /** The closing PUT ?digest=, with the whole blob (monolithic) or nothing (after chunks). */
  private async complete(
    source: BlobSource,
    session: UploadSession,
    sent: SentDigest,
    body: ReturnType<typeof rangeBody> | undefined,
  ): Promise<void> {
    if (body === undefined && !sent.matches(source.size)) throw this.changed(source);
    const length = body === undefined ? 0 : source.size;
    const response = await this.client.request(completionUrl(session, source.digest), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(length) },
      ...(body === undefined ? {} : { body }),
      // With a body a broken PUT may have left part of it in the session; only an empty one is repeatable.
      idempotent: body === undefined,
    });
    if (response.status === 201) {
      await response.body.dump();
      checkAnsweredDigest(this.client, response, source.digest, `blob ${source.digest}`);
      return;
    }
    if (response.status === 404 && body === undefined) {
      await response.body.dump();
      // A repeated PUT after one that completed but whose answer was lost.
      if (await this.exists(source.digest)) return;
      throw new SessionLost();
    }
    if (TRANSIENT_STATUS.has(response.status)) {
      await response.body.dump();
      throw new SessionLost();
    }
    throw await this.uploadRefusal(response, source, sent);
  }

  /** A refused upload; a digest the registry disputes is a changed file when our own hash disagrees too. */
  private async uploadRefusal(
    response: HttpResponse,
    source: BlobSource,
    sent: SentDigest,
  ): Promise<ImageError> {
    if (response.status === 400 && source.kind === 'file') {
      const body = await readErrorBody(response);
      const { code, text } = registryErrorOf(body);
      if (code === 'DIGEST_INVALID' || code === 'SIZE_INVALID') {
        if (!sent.matches(source.size)) return this.changed(source);
        return new ImageError(
          'DIGEST_MISMATCH',
          `${this.client.what}: registry ${this.client.reference.registry} received blob ${source.digest} for ${this.client.place} with a different digest${text}`,
        );
      }
      return new ImageError(
        'REGISTRY_ERROR',
        `${this.client.what}: registry ${this.client.reference.registry} answered 400 for blob ${source.digest} in ${this.client.place}${text}`,
      );
    }
    return this.client.refusal(response, `blob ${source.digest}`, {
      notFound: 'UPLOAD_INVALID',
      tooLargeHint: `the request carried ${source.size} bytes; push with a smaller chunk size`,
    });
  }

  private changed(source: BlobSource): ImageError {
    const path = source.kind === 'file' ? source.path : source.label;
    return new ImageError(
      'CONTENT_CHANGED',
      `${this.client.what}: file ${printable(path)} changed while it was being pushed (it no longer hashes to ${source.digest}); nothing was published, push it again once nothing writes to it`,
      {
        details: { path, digest: source.digest },
      },
    );
  }
}
