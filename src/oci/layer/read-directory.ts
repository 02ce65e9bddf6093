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
          const handle = await open(full, 'r');
          try {
            const head = Buffer.alloc(count);
            const { bytesRead } = await handle.read(head, 0, count, 0);
            return head.subarray(0, bytesRead);
          } finally {
            await handle.close();
          }
        },
      };
      yield { type: 'entry', entry };
      if (type === 'dir') yield* walk(path);
    }
  }
  yield* walk('');
}
