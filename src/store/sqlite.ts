import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** Opens a SQLite database with the settings every Lockyard database uses (WAL, busy timeout). */
export function openSqlite(path: string, options: { readonly?: boolean } = {}): SqliteDatabase {
  const db = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('busy_timeout = 5000');
  return db;
}
