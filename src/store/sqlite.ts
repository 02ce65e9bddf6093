import { createRequire } from 'node:module';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

let addonPath: string | null | undefined;

/**
 * better-sqlite3's compiled addon, found once. Without it the library asks the `bindings`
 * package, which probes a dozen build directories on every process start (3 ms of `stat`s on a
 * warm CLI run). The CLI bundle depends on it: bundled, `bindings` cannot find the addon itself.
 * `undefined` (not built in the usual place) leaves that search to the library, which works when
 * it runs from node_modules (tests, dist/) and not from the bundle.
 */
function nativeBinding(): string | undefined {
  if (addonPath === undefined) {
    try {
      addonPath = createRequire(import.meta.url).resolve(
        'better-sqlite3/build/Release/better_sqlite3.node',
      );
    } catch {
      addonPath = null;
    }
  }
  return addonPath ?? undefined;
}

function addonOption(): { nativeBinding?: string } {
  const binding = nativeBinding();
  return binding === undefined ? {} : { nativeBinding: binding };
}

/** Opens a SQLite database with the settings every Lockyard database uses (WAL, busy timeout). */
export function openSqlite(path: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  const db = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    ...addonOption(),
  });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('busy_timeout = 5000');
  return db;
}

/**
 * Opens a database file image held in memory (SQLite's deserialize interface), read-only:
 * nothing touches the disk. For databases found inside images (rpm's `rpmdb.sqlite`).
 */
export function openSqliteImage(bytes: Buffer): SqliteDatabase {
  return new Database(bytes, { readonly: true, ...addonOption() });
}
