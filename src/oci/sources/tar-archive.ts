import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ImageError } from '../errors.js';
import { parseDigest, verifyDigest } from '../digest.js';
import { createDecompressor, sniffCompression } from '../layer/decompress.js';
import { DigestTap } from '../layer/digest-tap.js';
import { printable } from '../printable.js';
import type { BlobFetcher } from '../resolve.js';
import type { Descriptor } from '../schemas.js';
import { indexTar, normalizeMemberName, type TarMember } from './tar-index.js';

/** A decompressed archive is written to the scratch directory; this much and no more. */
export const MAX_ARCHIVE_BYTES = 64 * 1024 ** 3;
const MAX_LINK_HOPS = 16;

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * An image archive (`docker save`, `podman save`, `skopeo copy … docker-archive:` or
 * `oci-archive:`) opened for random access: members are found from their headers alone and
 * read in place. A gzip or zstd compressed archive is first unpacked into the scratch directory.
 */
export class TarArchive {
  private constructor(
    private readonly what: string,
    private readonly path: string,
    private readonly file: FileHandle,
    readonly members: ReadonlyMap<string, TarMember>,
    private readonly tempDir: string | undefined,
  ) {}

  static async open(path: string, what: string, tmpDir: string): Promise<TarArchive> {
    let head: Buffer;
    try {
      head = await readHead(path);
    } catch (error) {
      throw new ImageError(
        'IMAGE_NOT_FOUND',
        `${what}: cannot open archive (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    const compression = sniffCompression(head);
    const decompressor = createDecompressor(compression);
    let archivePath = path;
    let tempDir: string | undefined;
    if (decompressor) {
      tempDir = await mkdtemp(join(tmpDir, 'archive-'));
      archivePath = join(tempDir, 'archive.tar');
      const cap = new DigestTap(
        undefined,
        MAX_ARCHIVE_BYTES,
        () =>
          new ImageError(
            'SIZE_LIMIT',
            `${what}: archive expands beyond ${MAX_ARCHIVE_BYTES} bytes`,
          ),
      );
      try {
        await pipeline(createReadStream(path), decompressor, cap, createWriteStream(archivePath));
      } catch (error) {
        await rm(tempDir, { recursive: true, force: true });
        if (error instanceof ImageError) throw error;
        throw new ImageError(
          'LAYER_CORRUPT',
          `${what}: corrupt ${compression} archive (${printable((error as Error).message, 120)})`,
        );
      }
    }
    const file = await open(archivePath, 'r');
    try {
      const members = await indexTar(file, what);
      return new TarArchive(what, archivePath, file, members, tempDir);
    } catch (error) {
      await file.close();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
      throw error;
    }
  }

  has(name: string): boolean {
    return this.members.has(normalizeMemberName(name));
  }

  /** A file member by name, following symlinks and hard links between members. */
  find(name: string): TarMember {
    let current = normalizeMemberName(posix.normalize(name));
    for (let hops = 0; hops < MAX_LINK_HOPS; hops += 1) {
      const member = this.members.get(current);
      if (!member)
        throw new ImageError(
          'BLOB_UNKNOWN',
          `${this.what}: archive member "${printable(name)}" is missing`,
          { details: { path: name } },
        );
      if (member.type !== 'symlink' && member.type !== 'hardlink') return member;
      const target =
        member.type === 'symlink' && !member.linkname.startsWith('/')
          ? posix.join(posix.dirname(current), member.linkname)
          : member.linkname;
      current = normalizeMemberName(posix.normalize(target));
    }
    throw new ImageError(
      'SYMLINK_LOOP',
      `${this.what}: archive member "${printable(name)}" is part of a link loop`,
      { details: { path: name } },
    );
  }

  async read(member: TarMember): Promise<Buffer> {
    const data = Buffer.alloc(member.size);
    const { bytesRead } = await this.file.read(data, 0, member.size, member.offset);
    if (bytesRead !== member.size)
      throw new ImageError(
        'LAYER_CORRUPT',
        `${this.what}: archive member "${printable(member.name)}" is truncated`,
      );
    return data;
  }

  stream(member: TarMember): Readable {
    if (member.size === 0) return Readable.from([]);
    return createReadStream(this.path, {
      start: member.offset,
      end: member.offset + member.size - 1,
      highWaterMark: 1024 * 1024,
    });
  }

  /** Where a member's bytes sit in the archive file. */
  locate(member: TarMember): { path: string; offset: number; size: number } {
    return { path: this.path, offset: member.offset, size: member.size };
  }

  /** Blobs of an OCI layout stored in the archive (`blobs/<algorithm>/<hex>`). */
  fetcher(): BlobFetcher {
    const member = (descriptor: Pick<Descriptor, 'digest'>): TarMember => {
      const { algorithm, encoded } = parseDigest(descriptor.digest);
      return this.find(`blobs/${algorithm}/${encoded}`);
    };
    return {
      readVerified: async (descriptor) => {
        const bytes = await this.read(member(descriptor));
        verifyDigest(bytes, descriptor.digest, `${this.what}: blob ${descriptor.digest}`);
        return bytes;
      },
      openBlob: (descriptor) => Promise.resolve(this.stream(member(descriptor))),
      locate: (descriptor) => this.locate(member(descriptor)),
    };
  }

  async close(): Promise<void> {
    await this.file.close();
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }
}
