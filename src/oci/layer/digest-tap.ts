import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Hashes and counts chunks handed to it, with an optional byte cap. */
export class DigestCounter {
  private readonly hash: Hash | undefined;
  bytes = 0;
  private hex: string | undefined;

  constructor(
    algorithm: 'sha256' | 'sha512' | undefined,
    private readonly limit: number = Number.POSITIVE_INFINITY,
    private readonly onLimit: () => Error = () => new Error('size limit exceeded'),
    /** Told the length of every chunk (after it is hashed). */
    private readonly onChunk?: (bytes: number) => void,
  ) {
    this.hash = algorithm ? createHash(algorithm) : undefined;
  }

  /** Counts and hashes a chunk; throws the limit's error once the cap is passed. */
  add(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) throw this.onLimit();
    this.hash?.update(chunk);
    this.onChunk?.(chunk.length);
  }

  /** The hex digest of everything added, once the input has ended. */
  digest(): string | undefined {
    if (!this.hash) return undefined;
    this.hex ??= this.hash.digest('hex');
    return this.hex;
  }
}

/** A pass-through that hashes and counts what flows through it, with an optional byte cap. */
export class DigestTap extends Transform {
  private readonly counter: DigestCounter;

  constructor(
    algorithm: 'sha256' | 'sha512' | undefined,
    limit: number = Number.POSITIVE_INFINITY,
    onLimit: () => Error = () => new Error('size limit exceeded'),
    onChunk?: (bytes: number) => void,
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.counter = new DigestCounter(algorithm, limit, onLimit, onChunk);
  }

  get bytes(): number {
    return this.counter.bytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.counter.add(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, chunk);
  }

  /** The hex digest of everything that passed, once the stream has ended. */
  digest(): string | undefined {
    return this.counter.digest();
  }
}
