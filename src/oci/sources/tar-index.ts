import type { FileHandle } from 'node:fs/promises';
import { ImageError } from '../errors.js';
import { MAX_META_BYTES, metaKind, TarMetaState } from '../tar/entry-header.js';
import { BLOCK_SIZE, isZeroBlock, parseHeaderBlock } from '../tar/header.js';

/** Where one member of an uncompressed tar file lives, for reading it without a full pass. */
export interface TarMember {
  readonly name: string;
  readonly type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  readonly offset: number;
  readonly size: number;
  readonly linkname: string;
}

/** Archive member names as `docker save`, podman and `tar -C dir .` write them: `./` and trailing `/` dropped. */
export function normalizeMemberName(name: string): string {
  return name.replace(/^(?:\.\/|\/)+/, '').replace(/\/+$/, '');
}

/**
 * Lists an uncompressed tar file's members by reading only their 512-byte headers, so a
 * `docker save` archive's manifest and layers can be found without reading the layers.
 */
export async function indexTar(file: FileHandle, what: string): Promise<Map<string, TarMember>> {
  const { size: fileSize } = await file.stat();
  const members = new Map<string, TarMember>();
  const block = Buffer.alloc(BLOCK_SIZE);
  const meta = new TarMetaState();
  let position = 0;
  const corrupt: (why: string) => never = (why) => {
    throw new ImageError(
      'LAYER_CORRUPT',
      `${what}: not a valid tar archive (${why} at offset ${position})`,
    );
  };
  while (position < fileSize) {
    const { bytesRead } = await file.read(block, 0, BLOCK_SIZE, position);
    if (bytesRead < BLOCK_SIZE) corrupt('truncated header');
    if (isZeroBlock(block, 0)) break;
    const parsed = parseHeaderBlock(block, 0);
    if (typeof parsed === 'string') corrupt(parsed);
    const dataOffset = position + BLOCK_SIZE;
    const kind = metaKind(parsed.typeflag);
    if (kind) {
      if (parsed.size > MAX_META_BYTES) corrupt('oversized meta member');
      if (dataOffset + parsed.size > fileSize) corrupt('member extends past the end of the file');
      const data = Buffer.alloc(parsed.size);
      await file.read(data, 0, parsed.size, dataOffset);
      const problem = meta.accept(kind, data);
      if (problem) corrupt(problem);
      position = dataOffset + Math.ceil(parsed.size / BLOCK_SIZE) * BLOCK_SIZE;
      continue;
    }
    const header = meta.resolve(parsed);
    if (typeof header === 'string') corrupt(header);
    if (dataOffset + header.dataSize > fileSize) corrupt('member extends past the end of the file');
    const name = normalizeMemberName(header.name);
    const type =
      header.type === 'file' ||
      header.type === 'dir' ||
      header.type === 'symlink' ||
      header.type === 'hardlink'
        ? header.type
        : 'other';
    members.set(name, {
      name,
      type,
      offset: dataOffset,
      size: header.dataSize,
      linkname: header.linkname,
    });
    position = dataOffset + Math.ceil(header.dataSize / BLOCK_SIZE) * BLOCK_SIZE;
  }
  return members;
}
