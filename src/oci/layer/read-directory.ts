import { lstat, open, opendir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DirectoryLayer, EntryType, LayerEvent, LayerFile } from '../image.js';

function entryType(stats: Awaited<ReturnType<typeof lstat>>): EntryType {
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFile()) return 'file';
  if (stats.isCharacterDevice()) return 'char';
  if (stats.isBlockDevice()) return 'block';
  return 'fifo';
}

/** Reads up to `length` bytes at `offset` of a file into the same range of `target`. */
async function readAt(
  path: string,
  target: Buffer,
  offset: number,
  length: number,
): Promise<number> {
  const handle = await open(path, 'r');
  try {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(target, offset + done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  } finally {
    await handle.close();
  }
}

/**
 * Walks a root file-system directory as if it were one layer. Links are read with lstat and
 * readlink, never followed, so a symlink to `/` or `..` cannot lead the walk outside the root.
 */
export async function* readDirectoryLayer(layer: DirectoryLayer): AsyncGenerator<LayerEvent> {
  async function* walk(relative: string): AsyncGenerator<LayerEvent> {
    const dir = await opendir(relative ? join(layer.root, relative) : layer.root);
    for await (const dirent of dir) {
      const path = relative ? `${relative}/${dirent.name}` : dirent.name;
      const full = join(layer.root, path);
      const stats = await lstat(full);
      const type = entryType(stats);
      const entry: LayerFile = {
        path,
        type,
        mode: stats.mode & 0o7777,
        uid: stats.uid,
        gid: stats.gid,
        size: type === 'file' ? stats.size : 0,
        linkTarget: type === 'symlink' ? await readlink(full) : undefined,
        read: () => readFile(full),
        peek: async (count) => {
          const head = Buffer.alloc(count);
          const bytesRead = await readAt(full, head, 0, count);
          return head.subarray(0, bytesRead);
        },
        readInto: async (target, offset, length) => {
          if ((await readAt(full, target, offset, length)) < length)
            throw new Error(`${path} is shorter than ${offset + length} bytes`);
        },
      };
      yield { type: 'entry', entry };
      if (type === 'dir') yield* walk(path);
    }
  }
  yield* walk('');
}
