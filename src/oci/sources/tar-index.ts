import type { FileHandle } from 'node:fs/promises';
import { ImageError } from '../errors.js';
import { TarFileReader } from '../tar/tar-file-reader.js';
import { TarFormatError } from '../tar/tar-stream-reader.js';

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
  const reader = new TarFileReader(file, 0, fileSize);
  try {
    for (let header = await reader.next(); header; header = await reader.next()) {
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
        offset: header.dataOffset,
        size: header.dataSize,
        linkname: header.linkname,
      });
    }
  } catch (error) {
    if (error instanceof TarFormatError) {
      throw new ImageError('LAYER_CORRUPT', `${what}: not a valid tar archive (${error.message})`, {
        cause: error,
      });
    }
    throw error;
  }
  return members;
}
