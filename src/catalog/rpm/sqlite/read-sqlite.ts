import { openSqliteImage, type SqliteDatabase } from '../../../store/index.js';
import { unreadable, type DbBlobs } from '../db-blobs.js';

const SQLITE_MAGIC = 'SQLite format 3\0';
/** Header bytes 18 and 19: file format write/read versions; 2 means WAL mode. */
const WRITE_VERSION_BYTE = 18;
const READ_VERSION_BYTE = 19;
const LEGACY_JOURNAL = 1;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads the header blobs of rpm's SQLite database (`rpmdb.sqlite`, rpm >= 4.16): table
 * `Packages(hnum INTEGER PRIMARY KEY, blob BLOB)`. The file is opened from memory with SQLite's
 * deserialize interface, so nothing touches the disk. rpm keeps the database in WAL mode, which
 * an in-memory database cannot open; the copy is switched to the rollback-journal format, the
 * same bytes `PRAGMA journal_mode=DELETE` would write.
 */
export function readSqliteDb(file: Buffer): DbBlobs {
  if (file.length < 100 || file.toString('latin1', 0, SQLITE_MAGIC.length) !== SQLITE_MAGIC)
    return unreadable('not an SQLite database (bad magic)');
  const copy = Buffer.from(file);
  copy[WRITE_VERSION_BYTE] = LEGACY_JOURNAL;
  copy[READ_VERSION_BYTE] = LEGACY_JOURNAL;
  let db: SqliteDatabase;
  try {
    db = openSqliteImage(copy);
  } catch (error) {
    return unreadable(`cannot open the SQLite database: ${describe(error)}`);
  }
  try {
    const table = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'Packages'")
      .get();
    if (table === undefined) return unreadable('SQLite database has no Packages table');
    const blobs: Buffer[] = [];
    const warnings: string[] = [];
    for (const row of db
      .prepare('SELECT hnum, blob FROM Packages ORDER BY hnum')
      .iterate() as Iterable<{ hnum: unknown; blob: unknown }>) {
      if (Buffer.isBuffer(row.blob)) blobs.push(row.blob);
      else warnings.push(`package ${String(row.hnum)}: blob column is not a BLOB`);
    }
    return { blobs, warnings };
  } catch (error) {
    return unreadable(`cannot read the SQLite database: ${describe(error)}`);
  } finally {
    db.close();
  }
}
