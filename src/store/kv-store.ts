import { openSqlite, type SqliteDatabase } from './sqlite.js';

/** A small namespaced key-value store for caches (layer analyses, catalogs, SBOMs). */
export interface KeyValueStore {
  get(namespace: string, key: string): Buffer | undefined;
  put(namespace: string, key: string, value: Buffer): void;
  delete(namespace: string, key: string): void;
  close(): void;
}

export function openKeyValueStore(path: string): KeyValueStore {
  const db: SqliteDatabase = openSqlite(path);
  db.exec(`CREATE TABLE IF NOT EXISTS kv (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (namespace, key)
  ) WITHOUT ROWID`);
  const getStatement = db.prepare<[string, string], { value: Buffer }>(
    'SELECT value FROM kv WHERE namespace = ? AND key = ?',
  );
  const putStatement = db.prepare(
    'INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  const deleteStatement = db.prepare('DELETE FROM kv WHERE namespace = ? AND key = ?');
  return {
    get: (namespace, key) => getStatement.get(namespace, key)?.value,
    put: (namespace, key, value) => {
      putStatement.run(namespace, key, value, Date.now());
    },
    delete: (namespace, key) => {
      deleteStatement.run(namespace, key);
    },
    close: () => {
      db.close();
    },
  };
}

/** An in-memory store, for `--no-cache` runs and tests. */
export function memoryKeyValueStore(): KeyValueStore {
  const map = new Map<string, Buffer>();
  return {
    get: (namespace, key) => map.get(`${namespace}\0${key}`),
    put: (namespace, key, value) => {
      map.set(`${namespace}\0${key}`, value);
    },
    delete: (namespace, key) => {
      map.delete(`${namespace}\0${key}`);
    },
    close: () => undefined,
  };
}
