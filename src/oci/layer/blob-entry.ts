import type { EntryType, LayerFile } from '../image.js';
import type { MemberSource } from './member-source.js';

/**
 * The walk of one blob layer as its entries see it: the member source their bodies come from,
 * and which entry is current. One per layer, shared by every entry of it.
 */
export class EntryCursor {
  /** Bumped as the walk moves past an entry: an entry is current while it holds this number. */
  generation = 0;

  constructor(
    readonly source: MemberSource,
    /** The error to throw for a failed body read of the member stored as `name`. */
    readonly failure: (error: unknown, name: string) => Error,
  ) {}
}

/**
 * One entry of a blob layer. Its methods live on the prototype and it keeps its state in four
 * fields, instead of three closures over a context per entry: a layer of 500,000 members makes
 * 500,000 of these, and what each one allocates is what the young generation has to sweep.
 */
export class BlobEntry implements LayerFile {
  private taken = false;
  private readonly generation: number;

  constructor(
    private readonly cursor: EntryCursor,
    /** The member's name as stored, for errors. */
    private readonly name: string,
    readonly path: string,
    readonly type: EntryType,
    readonly mode: number,
    readonly uid: number,
    readonly gid: number,
    readonly size: number,
    readonly linkTarget: string | undefined,
  ) {
    this.generation = cursor.generation;
  }

  /** Present where the source reads by position; made when asked for (few entries are). */
  get readInto(): LayerFile['readInto'] {
    if (!this.cursor.source.readBodyInto) return undefined;
    return (target, offset, length) => this.readPart(target, offset, length);
  }

  /** Present where the source is a stream; see LayerFile.scan. */
  get scan(): LayerFile['scan'] {
    if (!this.cursor.source.scanBody) return undefined;
    return (visit) => this.scanPart(visit);
  }

  private usable(): boolean {
    return !this.taken && this.generation === this.cursor.generation;
  }

  async read(): Promise<Buffer> {
    if (!this.usable())
      throw new Error(`layer entry ${this.path} can only be read once, while it is current`);
    this.taken = true;
    try {
      return await this.cursor.source.readBody();
    } catch (error) {
      throw this.cursor.failure(error, this.name);
    }
  }

  async peek(count: number): Promise<Buffer> {
    if (!this.usable()) {
      throw new Error(
        `layer entry ${this.path} can only be peeked at while it is current and unread`,
      );
    }
    try {
      return await this.cursor.source.peekBody(count);
    } catch (error) {
      throw this.cursor.failure(error, this.name);
    }
  }

  private async scanPart(visit: (piece: Buffer, offset: number) => void): Promise<void> {
    if (!this.usable())
      throw new Error(`layer entry ${this.path} can only be read once, while it is current`);
    this.taken = true;
    try {
      await this.cursor.source.scanBody?.(visit);
    } catch (error) {
      throw this.cursor.failure(error, this.name);
    }
  }

  private async readPart(target: Buffer, offset: number, length: number): Promise<void> {
    if (!this.usable())
      throw new Error(`layer entry ${this.path} can only be read while it is current and unread`);
    try {
      await this.cursor.source.readBodyInto?.(target, offset, length);
    } catch (error) {
      throw this.cursor.failure(error, this.name);
    }
  }
}
