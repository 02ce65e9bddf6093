import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import { describeCause } from '../../errors/index.js';
import { createMatcher, type Matcher } from '../../match/index.js';
import { openVulnDb, type VulnDb } from '../../vulndb/index.js';

/** One opened build of the vulnerability database and its (memoizing) matcher. */
export interface OpenedDb {
  readonly db: VulnDb;
  readonly matcher: Matcher;
  /** Identifies the file: inode, size and mtime. A rename over it (db update) changes it. */
  readonly stamp: string;
  readonly builtAt: string;
  readonly sources: readonly string[];
}

function stampOf(path: string): string | undefined {
  try {
    const info = statSync(path);
    return `${info.ino}:${info.size}:${info.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * The vulnerability database the scanner uses, reopened when the file changes. `db build` and
 * `db update` write a new file and rename it over the old one, so a changed inode, size or
 * mtime means a new build; the old handle keeps reading the old inode until it is closed.
 */
export class VulnDbHandle {
  readonly path: string;
  readonly #logger: Logger;
  #current: OpenedDb | undefined;
  #seen: string | undefined;

  constructor(path: string, logger: Logger) {
    this.path = path;
    this.#logger = logger;
  }

  get current(): OpenedDb | undefined {
    return this.#current;
  }

  /** Reopens when the file changed since the last look; true when a new build is now current. */
  refresh(): boolean {
    const stamp = stampOf(this.path);
    if (stamp === this.#seen) return false;
    this.#seen = stamp;
    if (stamp === undefined) return false;
    let db: VulnDb;
    try {
      db = openVulnDb(this.path);
    } catch (error) {
      // A half-copied or foreign file: keep matching with the build we have, say why once.
      this.#logger.warn(
        { path: this.path, reason: describeCause(error) },
        'vulnerability database not usable, keeping the previous one',
      );
      return false;
    }
    const status = db.status();
    const previous = this.#current;
    this.#current = {
      db,
      matcher: createMatcher(db),
      stamp,
      builtAt: status.builtAt,
      sources: status.sources.map((source) => source.kind),
    };
    previous?.db.close();
    this.#logger.info(
      { path: this.path, builtAt: status.builtAt, advisories: status.advisories },
      'vulnerability database loaded',
    );
    return true;
  }

  close(): void {
    this.#current?.db.close();
    this.#current = undefined;
  }
}
