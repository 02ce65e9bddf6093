import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { VulnDbError } from '../errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One `db update` at a time per feed cache: two would download into the same side files. The
 * lock file holds the owner's pid; a lock left by a process that no longer runs is taken over.
 */
export async function withUpdateLock<T>(cacheDir: string, work: () => Promise<T>): Promise<T> {
  await mkdir(cacheDir, { recursive: true });
  const path = join(cacheDir, '.update.lock');
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
        throw new VulnDbError(
          'UPDATE_IN_PROGRESS',
          `another 'lockyard db update' (pid ${owner}) is using ${cacheDir}`,
          { details: { pid: owner } },
        );
      }
      await rm(path, { force: true });
    }
  }
  try {
    return await work();
  } finally {
    await rm(path, { force: true });
  }
}
