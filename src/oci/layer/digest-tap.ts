import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** A pass-through that hashes and counts what flows through it, with an optional byte cap. */
export class DigestTap extends Transform {
  private readonly hash: Hash | undefined;
  bytes = 0;
  private hex: string | undefined;

  constructor(
    algorithm: 'sha256' | 'sha512' | undefined,
    private readonly limit: number = Number.POSITIVE_INFINITY,
    private readonly onLimit: () => Error = () => new Error('size limit exceeded'),
    /** Told the length of every chunk that passes (after it is hashed). */
    private readonly onChunk?: (bytes: number) => void,
  ) {
    super({ highWaterMark: 256 * 1024 });
    this.hash = algorithm ? createHash(algorithm) : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      callback(this.onLimit());
      return;
    }
    this.hash?.update(chunk);
    this.onChunk?.(chunk.length);
    callback(null, chunk);
  }

  /** The hex digest of everything that passed, once the stream has ended. */
  digest(): string | undefined {
    if (!this.hash) return undefined;
    this.hex ??= this.hash.digest('hex');
    return this.hex;
  }
}
