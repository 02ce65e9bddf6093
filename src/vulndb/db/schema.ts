/**
 * The vulnerability database schema. Bump SCHEMA_VERSION on any change a reader would notice;
 * a reader refuses a file with another version (rebuild it) rather than guess.
 *
 * Layout, for the matcher's one question ("every affected entry for (ecosystem, package)"):
 * - `affected` holds one compact row per (advisory, package, release), clustered by package key
 *   (WITHOUT ROWID, key first), so the question is one range scan with the rows inline.
 * - `advisories` holds each advisory once per source, as a JSON document without its affected
 *   list; readers decode it once and share it across lookups. Its `packages` column lists the
 *   (ecosystem, package) keys it has rows for, so a replaced record's rows are deleted through
 *   the primary key: no second index over a million affected rows.
 * - `aliases` maps every id and alias to its advisories (CVE -> GHSA, GO, DSA, ...).
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sources (
  position INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  input TEXT NOT NULL,
  records INTEGER NOT NULL,
  affected INTEGER NOT NULL,
  skipped INTEGER NOT NULL,
  superseded INTEGER NOT NULL,
  newest TEXT,
  imported_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL
);

CREATE TABLE advisories (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  advisory_id TEXT NOT NULL,
  modified TEXT,
  doc TEXT NOT NULL,
  packages TEXT NOT NULL
);
CREATE UNIQUE INDEX advisories_by_id ON advisories (source, advisory_id);

CREATE TABLE affected (
  ecosystem TEXT NOT NULL,
  package TEXT NOT NULL,
  advisory INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (ecosystem, package, advisory, seq)
) WITHOUT ROWID;

CREATE TABLE aliases (
  alias TEXT NOT NULL,
  advisory INTEGER NOT NULL,
  PRIMARY KEY (alias, advisory)
) WITHOUT ROWID;
`;

/** Keys of the `meta` table. */
export const META = {
  schemaVersion: 'schema_version',
  builtAt: 'built_at',
  builder: 'builder',
} as const;
