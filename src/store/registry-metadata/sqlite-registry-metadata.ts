import { asyncApi, type SyncApi } from '../async-api.js';
import { openSqlite } from '../sqlite.js';
import type { RegistryMaintenance } from './maintenance.js';
import type {
  ManifestRecord,
  Page,
  PutManifestResult,
  RegistryMetadata,
  Referrer,
  UploadSession,
} from './registry-metadata.js';
import { migrate } from './schema.js';

interface ManifestRow {
  repository: string;
  digest: string;
  media_type: string;
  size: number;
  content: Buffer;
  artifact_type: string | null;
  subject: string | null;
  annotations: string | null;
  created_at: number;
}

interface UploadRow {
  id: string;
  repository: string;
  created_at: number;
  expires_at: number;
}

function parseAnnotations(text: string | null): Record<string, string> | undefined {
  return text === null ? undefined : (JSON.parse(text) as Record<string, string>);
}

function toRecord(row: ManifestRow): ManifestRecord {
  return {
    repository: row.repository,
    digest: row.digest,
    mediaType: row.media_type,
    size: row.size,
    content: row.content,
    artifactType: row.artifact_type ?? undefined,
    subject: row.subject ?? undefined,
    annotations: parseAnnotations(row.annotations),
    createdAt: row.created_at,
  };
}

function toSession(row: UploadRow): UploadSession {
  return {
    id: row.id,
    repository: row.repository,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

function page(rows: readonly { name: string }[], limit: number | undefined): Page {
  if (limit === undefined || rows.length <= limit)
    return { items: rows.map((row) => row.name), more: false };
  return { items: rows.slice(0, limit).map((row) => row.name), more: true };
}

// SQLite's largest integer: "no limit" for a LIMIT clause.
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

export type SqliteRegistryMetadata = RegistryMetadata & RegistryMaintenance;

type AsyncMethods = Omit<SqliteRegistryMetadata, 'externalChanges' | 'close'>;

/**
 * Registry metadata in one SQLite file (WAL, synchronous=FULL: a committed push survives a power
 * loss, not only a crash). better-sqlite3 is synchronous; the async interface is for backends
 * that are not (PostgreSQL).
 */
export function openSqliteRegistryMetadata(path: string): SqliteRegistryMetadata {
  const db = openSqlite(path);
  db.pragma('synchronous = FULL');
  migrate(db);
  const q = {
    repos: db.prepare<[string, number], { name: string }>(
      'SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT ?',
    ),
    repoExists: db.prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM repositories WHERE name = ?',
    ),
    addRepo: db.prepare<[string, number]>(
      'INSERT OR IGNORE INTO repositories (name, created_at) VALUES (?, ?)',
    ),
    link: db.prepare<[string, string, number]>(
      'INSERT INTO repository_blobs (repository, digest, linked_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET linked_at = excluded.linked_at',
    ),
    hasBlob: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM repository_blobs WHERE repository = ? AND digest = ?',
    ),
    unlink: db.prepare<[string, string]>(
      'DELETE FROM repository_blobs WHERE repository = ? AND digest = ?',
    ),
    hasManifest: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM manifests WHERE repository = ? AND digest = ?',
    ),
    putManifest: db.prepare(
      `INSERT INTO manifests (repository, digest, media_type, size, content, artifact_type, subject, annotations, created_at)
       VALUES (@repository, @digest, @media_type, @size, @content, @artifact_type, @subject, @annotations, @created_at)
       ON CONFLICT DO UPDATE SET created_at = excluded.created_at`,
    ),
    clearRefs: db.prepare<[string, string]>(
      'DELETE FROM manifest_references WHERE repository = ? AND digest = ?',
    ),
    addRef: db.prepare<[string, string, string, string]>(
      'INSERT OR IGNORE INTO manifest_references (repository, digest, child, kind) VALUES (?, ?, ?, ?)',
    ),
    setTag: db.prepare<[string, string, string, number]>(
      'INSERT INTO tags (repository, tag, digest, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at',
    ),
    getManifest: db.prepare<[string, string], ManifestRow>(
      'SELECT * FROM manifests WHERE repository = ? AND digest = ?',
    ),
    resolveTag: db.prepare<[string, string], { digest: string }>(
      'SELECT digest FROM tags WHERE repository = ? AND tag = ?',
    ),
    tags: db.prepare<[string, string, number], { name: string }>(
      'SELECT tag AS name FROM tags WHERE repository = ? AND tag > ? ORDER BY tag LIMIT ?',
    ),
    deleteManifest: db.prepare<[string, string]>(
      'DELETE FROM manifests WHERE repository = ? AND digest = ?',
    ),
    deleteTagsOf: db.prepare<[string, string]>(
      'DELETE FROM tags WHERE repository = ? AND digest = ?',
    ),
    deleteTag: db.prepare<[string, string]>('DELETE FROM tags WHERE repository = ? AND tag = ?'),
    referrers: db.prepare<[string, string], ManifestRow>(
      'SELECT * FROM manifests WHERE repository = ? AND subject = ? ORDER BY digest',
    ),
    createUpload: db.prepare<[string, string, number, number]>(
      'INSERT INTO uploads (id, repository, created_at, expires_at) VALUES (?, ?, ?, ?)',
    ),
    getUpload: db.prepare<[string], UploadRow>('SELECT * FROM uploads WHERE id = ?'),
    touchUpload: db.prepare<[number, string]>('UPDATE uploads SET expires_at = ? WHERE id = ?'),
    deleteUpload: db.prepare<[string]>('DELETE FROM uploads WHERE id = ?'),
    expiredUploads: db.prepare<[number], UploadRow>(
      'SELECT * FROM uploads WHERE expires_at < ? ORDER BY expires_at',
    ),
    deleteExpiredUpload: db.prepare<[string, number]>(
      'DELETE FROM uploads WHERE id = ? AND expires_at < ?',
    ),
    uploads: db.prepare<[], UploadRow>('SELECT * FROM uploads'),
    unreachable: db.prepare<[number], { repository: string; digest: string }>(
      `SELECT m.repository, m.digest FROM manifests m
       WHERE m.created_at < ?
         AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository = m.repository AND t.digest = m.digest)
         AND NOT EXISTS (SELECT 1 FROM manifest_references r WHERE r.child = m.digest AND r.kind = 'manifest' AND r.repository = m.repository)
         AND (m.subject IS NULL OR NOT EXISTS (SELECT 1 FROM manifests s WHERE s.repository = m.repository AND s.digest = m.subject))`,
    ),
    stillUnreachable: db.prepare<[string, string, number], { one: number }>(
      `SELECT 1 AS one FROM manifests m
       WHERE m.repository = ? AND m.digest = ? AND m.created_at < ?
         AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository = m.repository AND t.digest = m.digest)
         AND NOT EXISTS (SELECT 1 FROM manifest_references r WHERE r.child = m.digest AND r.kind = 'manifest' AND r.repository = m.repository)
         AND (m.subject IS NULL OR NOT EXISTS (SELECT 1 FROM manifests s WHERE s.repository = m.repository AND s.digest = m.subject))`,
    ),
    referencedBlobs: db.prepare<[], { child: string }>(
      "SELECT DISTINCT child FROM manifest_references WHERE kind = 'blob'",
    ),
    blobReferenced: db.prepare<[string], { one: number }>(
      "SELECT 1 AS one FROM manifest_references WHERE child = ? AND kind = 'blob' LIMIT 1",
    ),
    freshLink: db.prepare<[string, number], { one: number }>(
      'SELECT 1 AS one FROM repository_blobs WHERE digest = ? AND linked_at >= ? LIMIT 1',
    ),
    dropLinks: db.prepare<[string]>('DELETE FROM repository_blobs WHERE digest = ?'),
    dataVersion: db.prepare<[], { data_version: number }>('PRAGMA data_version'),
  };

  const putManifestTx = db.transaction(
    (
      manifest: ManifestRecord,
      blobs: readonly string[],
      manifests: readonly string[],
      tag: string | undefined,
      immutableTag: boolean,
    ): PutManifestResult => {
      if (tag !== undefined && immutableTag) {
        const current = q.resolveTag.get(manifest.repository, tag)?.digest;
        if (current !== undefined && current !== manifest.digest)
          return { ok: false, reason: 'tag-immutable', current };
      }
      const missing = [
        ...blobs.filter((digest) => !q.hasBlob.get(manifest.repository, digest)),
        ...manifests.filter(
          (digest) => digest !== manifest.digest && !q.hasManifest.get(manifest.repository, digest),
        ),
      ];
      if (missing.length > 0) return { ok: false, reason: 'missing', missing };
      q.addRepo.run(manifest.repository, manifest.createdAt);
      q.putManifest.run({
        repository: manifest.repository,
        digest: manifest.digest,
        media_type: manifest.mediaType,
        size: manifest.size,
        content: manifest.content,
        artifact_type: manifest.artifactType ?? null,
        subject: manifest.subject ?? null,
        annotations: manifest.annotations ? JSON.stringify(manifest.annotations) : null,
        created_at: manifest.createdAt,
      });
      q.clearRefs.run(manifest.repository, manifest.digest);
      for (const digest of blobs)
        q.addRef.run(manifest.repository, manifest.digest, digest, 'blob');
      for (const digest of manifests)
        q.addRef.run(manifest.repository, manifest.digest, digest, 'manifest');
      if (tag !== undefined)
        q.setTag.run(manifest.repository, tag, manifest.digest, manifest.createdAt);
      return { ok: true };
    },
  );
  const linkTx = db.transaction((repository: string, digest: string) => {
    const now = Date.now();
    q.addRepo.run(repository, now);
    q.link.run(repository, digest, now);
  });
  const deleteManifestTx = db.transaction((repository: string, digest: string): boolean => {
    if (q.deleteManifest.run(repository, digest).changes === 0) return false;
    q.deleteTagsOf.run(repository, digest);
    q.clearRefs.run(repository, digest);
    return true;
  });
  const sweepManifestTx = db.transaction(
    (repository: string, digest: string, cutoff: number): boolean => {
      if (!q.stillUnreachable.get(repository, digest, cutoff)) return false;
      return deleteManifestTx(repository, digest);
    },
  );
  const sweepBlobTx = db.transaction((digest: string, cutoff: number): boolean => {
    if (q.blobReferenced.get(digest) || q.freshLink.get(digest, cutoff)) return false;
    q.dropLinks.run(digest);
    return true;
  });
  class Rollback extends Error {
    constructor(readonly plan: { manifests: number; referencedBlobs: ReadonlySet<string> }) {
      super('planned sweep rolled back');
    }
  }
  // Runs the real sweep inside a transaction and throws to roll it back: the plan is exact.
  const planTx = db.transaction((cutoff: number) => {
    let manifests = 0;
    for (;;) {
      const candidates = q.unreachable.all(cutoff);
      if (candidates.length === 0) break;
      for (const { repository, digest } of candidates) deleteManifestTx(repository, digest);
      manifests += candidates.length;
    }
    throw new Rollback({
      manifests,
      referencedBlobs: new Set(q.referencedBlobs.all().map((row) => row.child)),
    });
  });
  const plan = (cutoff: number): { manifests: number; referencedBlobs: ReadonlySet<string> } => {
    try {
      planTx.immediate(cutoff);
    } catch (error) {
      if (error instanceof Rollback) return error.plan;
      throw error;
    }
    return { manifests: 0, referencedBlobs: new Set() };
  };
  // IMMEDIATE takes the write lock up front, so the checks and the writes see one state.
  const immediate =
    <A extends unknown[], R>(tx: { immediate: (...args: A) => R }) =>
    (...args: A): R =>
      tx.immediate(...args);

  const api: SyncApi<AsyncMethods> = {
    listRepositories: (limit, after) =>
      page(q.repos.all(after ?? '', limit === undefined ? NO_LIMIT : limit + 1), limit),
    repositoryExists: (repository) => q.repoExists.get(repository) !== undefined,
    linkBlob: (repository, digest) => {
      immediate(linkTx)(repository, digest);
    },
    hasBlob: (repository, digest) => q.hasBlob.get(repository, digest) !== undefined,
    unlinkBlob: (repository, digest) => q.unlink.run(repository, digest).changes > 0,
    putManifest: (manifest, references, tag, options) =>
      immediate(putManifestTx)(
        manifest,
        references.blobs,
        references.manifests,
        tag,
        options?.immutableTag === true,
      ),
    getManifest: (repository, digest) => {
      const row = q.getManifest.get(repository, digest);
      return row ? toRecord(row) : undefined;
    },
    resolveTag: (repository, tag) => q.resolveTag.get(repository, tag)?.digest,
    listTags: (repository, limit, after) =>
      page(q.tags.all(repository, after ?? '', limit === undefined ? NO_LIMIT : limit + 1), limit),
    deleteManifest: (repository, digest) => immediate(deleteManifestTx)(repository, digest),
    deleteTag: (repository, tag) => q.deleteTag.run(repository, tag).changes > 0,
    referrers: (repository, subject) =>
      q.referrers.all(repository, subject).map((row): Referrer => ({
        mediaType: row.media_type,
        digest: row.digest,
        size: row.size,
        artifactType: row.artifact_type ?? undefined,
        annotations: parseAnnotations(row.annotations),
      })),
    createUpload: (session) => {
      q.createUpload.run(session.id, session.repository, session.createdAt, session.expiresAt);
    },
    getUpload: (id) => {
      const row = q.getUpload.get(id);
      return row ? toSession(row) : undefined;
    },
    touchUpload: (id, expiresAt) => {
      q.touchUpload.run(expiresAt, id);
    },
    deleteUpload: (id) => {
      q.deleteUpload.run(id);
    },
    listUploads: () => q.uploads.all().map(toSession),
    expiredUploads: (now) => q.expiredUploads.all(now).map(toSession),
    deleteExpiredUpload: (id, now) => q.deleteExpiredUpload.run(id, now).changes > 0,
    unreachableManifests: (cutoff) => q.unreachable.all(cutoff),
    sweepManifest: (repository, digest, cutoff) =>
      immediate(sweepManifestTx)(repository, digest, cutoff),
    planManifestSweep: (cutoff) => plan(cutoff),
    referencedBlobs: () => new Set(q.referencedBlobs.all().map((row) => row.child)),
    sweepBlobLinks: (digest, cutoff) => immediate(sweepBlobTx)(digest, cutoff),
  };
  return {
    ...asyncApi<AsyncMethods>(api),
    externalChanges: () => q.dataVersion.get()?.data_version ?? 0,
    close: () => {
      db.close();
    },
  };
}
