import { lstat, opendir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import tar from 'tar-stream';

/** One entry to put in a layer tar. Names are written exactly as given (tests craft bad ones). */
export interface TarEntrySpec {
  readonly name: string;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link';
  readonly content?: string | Uint8Array;
  readonly mode?: number;
  readonly linkname?: string;
  readonly uid?: number;
  readonly gid?: number;
}

const FIXED_MTIME = new Date('2024-01-01T00:00:00Z');

/** Builds an uncompressed tar in memory from entry specs. */
export async function buildTar(entries: readonly TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack) chunks.push(chunk as Buffer);
  })();
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const content = entry.content === undefined ? undefined : Buffer.from(entry.content);
    await new Promise<void>((resolve, reject) => {
      pack.entry(
        {
          name: entry.name,
          type,
          mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
          uid: entry.uid ?? 0,
          gid: entry.gid ?? 0,
          mtime: FIXED_MTIME,
          ...(entry.linkname === undefined ? {} : { linkname: entry.linkname }),
          ...(type === 'file' ? { size: content?.length ?? 0 } : {}),
        },
        type === 'file' ? (content ?? Buffer.alloc(0)) : Buffer.alloc(0),
        (error) => {
          if (error) reject(error);
          else resolve();
        },
      );
    });
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

/** Lists a directory tree as tar entry specs (files read into memory; for test-sized trees). */
export async function entriesFromDirectory(root: string, prefix = ''): Promise<TarEntrySpec[]> {
  const out: TarEntrySpec[] = [];
  async function walk(relative: string): Promise<void> {
    const dir = await opendir(relative ? join(root, relative) : root);
    const names: string[] = [];
    for await (const dirent of dir) names.push(dirent.name);
    names.sort();
    for (const name of names) {
      const path = relative ? `${relative}/${name}` : name;
      const full = join(root, path);
      const stats = await lstat(full);
      const tarName = `${prefix}${path}`;
      if (stats.isDirectory()) {
        out.push({ name: tarName, type: 'directory', mode: stats.mode & 0o7777 });
        await walk(path);
      } else if (stats.isSymbolicLink()) {
        out.push({ name: tarName, type: 'symlink', linkname: await readlink(full) });
      } else if (stats.isFile()) {
        out.push({
          name: tarName,
          type: 'file',
          mode: stats.mode & 0o7777,
          content: await readFile(full),
        });
      }
    }
  }
  await walk('');
  return out;
}
