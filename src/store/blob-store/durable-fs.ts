import { mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/** fsyncs a directory, so a rename or unlink inside it survives a power loss, not only a kill. */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs a file's data. */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Publishes a complete, fsynced temp file at its final path in one atomic step. Rename replaces
 * an existing file of the same content, which is what makes concurrent puts of one blob safe and
 * gives the blob a fresh mtime (gc's grace period counts from it).
 */
export async function publishFile(
  tempPath: string,
  finalPath: string,
  knownDirs: Set<string>,
): Promise<void> {
  const dir = dirname(finalPath);
  if (!knownDirs.has(dir)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    knownDirs.add(dir);
  }
  await rename(tempPath, finalPath);
  await syncDirectory(dir);
}
