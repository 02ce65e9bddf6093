import { defineCataloger, type FileHeader, type ParseResult } from '../cataloger.js';
import type { PackageRecord } from '../types.js';
import { readHashDb } from './bdb/read-hash-db.js';
import type { DbBlobs } from './db-blobs.js';
import { parseHeader } from './header/parse-header.js';
import { GPG_PUBKEY, headerToPackage } from './header/to-package.js';
import { parseManifest } from './manifest/parse-manifest.js';
import { readNdb } from './ndb/read-ndb.js';
import { readSqliteDb } from './sqlite/read-sqlite.js';

export { parseHeader, RpmHeader } from './header/parse-header.js';
export { headerToPackage } from './header/to-package.js';
export { parseSourceRpm } from './header/source-rpm.js';
export { readHashDb } from './bdb/read-hash-db.js';
export { readNdb } from './ndb/read-ndb.js';
export { readSqliteDb } from './sqlite/read-sqlite.js';
export { parseManifest } from './manifest/parse-manifest.js';

type Backend = (file: Buffer) => DbBlobs;

/** The rpmdb locations: RHEL/CentOS <= 8 and Amazon Linux 2 (BDB), SUSE (NDB), rpm >= 4.16 (SQLite). */
const DATABASES: ReadonlyMap<string, Backend> = new Map<string, Backend>([
  ['var/lib/rpm/Packages', readHashDb],
  ['usr/lib/sysimage/rpm/Packages', readHashDb],
  ['var/lib/rpm/Packages.db', readNdb],
  ['usr/lib/sysimage/rpm/Packages.db', readNdb],
  ['var/lib/rpm/rpmdb.sqlite', readSqliteDb],
  ['usr/lib/sysimage/rpm/rpmdb.sqlite', readSqliteDb],
]);

/** The package list of CBL-Mariner / Azure Linux distroless images, which have no rpmdb. */
const MANIFEST = 'var/lib/rpmmanifest/container-manifest-2';

/** One database can hold thousands of damaged entries; the first few say enough. */
const MAX_WARNINGS = 20;

function capped(warnings: readonly string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return [...warnings];
  return [
    ...warnings.slice(0, MAX_WARNINGS),
    `... and ${warnings.length - MAX_WARNINGS} more problems`,
  ];
}

/** Parses every header blob into a package; gpg-pubkey entries and bad headers are left out. */
export function packagesFromBlobs(blobs: readonly Buffer[]): {
  packages: PackageRecord[];
  warnings: string[];
} {
  const packages: PackageRecord[] = [];
  const warnings: string[] = [];
  for (const [index, blob] of blobs.entries()) {
    const parsed = parseHeader(blob);
    if (parsed.error !== undefined) {
      warnings.push(`header ${index}: ${parsed.error}`);
      continue;
    }
    const result = headerToPackage(parsed.header);
    warnings.push(...result.warnings);
    if (result.record) packages.push(result.record);
    else if (result.skipped !== GPG_PUBKEY)
      warnings.push(`header ${index} skipped: ${result.skipped}`);
  }
  return { packages, warnings };
}

/**
 * Installed rpm packages, read straight from the rpm database files (no rpm binary, no libdb),
 * or from the package manifest of CBL-Mariner distroless images.
 */
export const rpmCataloger = defineCataloger({
  id: 'rpm',
  displayName: 'rpm database (Berkeley DB, NDB, SQLite)',
  urls: [
    'https://rpm-software-management.github.io/rpm/manual/format_header.html',
    'https://github.com/rpm-software-management/rpm/blob/master/lib/backend/bdb_ro.c',
    'https://github.com/rpm-software-management/rpm/blob/master/lib/backend/ndb/rpmpkg.c',
    'https://github.com/rpm-software-management/rpm/blob/master/lib/backend/sqlite.c',
  ],
  packageTypes: ['rpm'],
  version: 4,
  claims: (file: FileHeader) => DATABASES.has(file.path) || file.path === MANIFEST,
  parse(file): ParseResult {
    if (file.path === MANIFEST) {
      const manifest = parseManifest(file.content.toString('utf8'));
      const warnings = capped(manifest.warnings);
      return warnings.length > 0
        ? { packages: manifest.packages, warnings }
        : { packages: manifest.packages };
    }
    const backend = DATABASES.get(file.path);
    if (!backend) return {};
    // Images that dropped the database sometimes leave an empty file in its place: no packages.
    if (file.content.length === 0) return { packages: [] };
    const db = backend(file.content);
    if (db.error !== undefined) return { warnings: [db.error] };
    const { packages, warnings } = packagesFromBlobs(db.blobs);
    const all = capped([...db.warnings, ...warnings]);
    return all.length > 0 ? { packages, warnings: all } : { packages };
  },
});
