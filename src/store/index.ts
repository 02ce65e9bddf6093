export { resolveDataDir, ensureDataDir, type DataDirLayout } from './data-dir.js';
export { openSqlite, openSqliteImage, type SqliteDatabase } from './sqlite.js';
export { openKeyValueStore, memoryKeyValueStore, type KeyValueStore } from './kv-store.js';
export * from './blob-store/index.js';
export * from './registry-metadata/index.js';
export * from './identity/index.js';
export * from './audit/index.js';
