import type { PackageRecord } from '../types.js';
import {
  manifestCoordinates,
  parseArchiveFileName,
  sameArtifact,
  type Coordinates,
} from './identity.js';
import { parseManifestMain } from './manifest.js';
import { parseProperties } from './properties.js';
import { openArchive, type ArchiveEntry, type OpenArchive } from './zip-archive.js';
import { bufferSource, type ZipSource } from './zip-source.js';

export interface WalkLimits {
  /** Archive levels read below the claimed file (WEB-INF/lib/x.jar is level 1). */
  readonly maxDepth: number;
  /** Decompressed bytes read from one claimed file, all levels together (zip bomb bound). */
  readonly maxTotalBytes: number;
  /** Largest pom.properties or MANIFEST.MF read; real ones are well under a KiB. */
  readonly maxTextBytes: number;
}

export const DEFAULT_LIMITS: WalkLimits = {
  maxDepth: 16,
  maxTotalBytes: 512 * 1024 * 1024,
  maxTextBytes: 1024 * 1024,
};

/** Archives that nest inside jars, wars and ears and are themselves zip files. */
export const ARCHIVE_EXTENSION = /\.(?:jar|war|ear|jpi|hpi|par|sar)$/i;

interface Walk {
  readonly limits: WalkLimits;
  remaining: number;
  readonly packages: PackageRecord[];
  readonly seen: Set<string>;
  readonly warnings: string[];
}

interface Level {
  readonly source: ZipSource;
  /** Path of this archive inside the claimed file (`WEB-INF/lib/a.jar!lib/b.jar`); undefined for the file itself. */
  readonly innerPath: string | undefined;
  /** This archive's own path or entry name, for its file-name identity. */
  readonly fileName: string;
  readonly depth: number;
}

/** A warning about a place inside the claimed file (the layer pass prefixes the file's own path). */
function at(level: Level, entry: string | undefined, message: string): string {
  const place = [level.innerPath, entry].filter((part) => part !== undefined).join('!');
  return place === '' ? message : `${place}: ${message}`;
}

function add(
  walk: Walk,
  level: Level,
  coordinates: Coordinates,
  metadata: Record<string, string>,
): void {
  const key = `${coordinates.groupId}:${coordinates.artifactId}@${coordinates.version}!${level.innerPath ?? ''}`;
  if (walk.seen.has(key)) return;
  walk.seen.add(key);
  walk.packages.push({
    type: 'maven',
    namespace: coordinates.groupId,
    name: coordinates.artifactId,
    version: coordinates.version,
    ...(level.innerPath === undefined ? {} : { innerPath: level.innerPath }),
    metadata,
  });
}

/** Takes an entry's size from the byte budget; false (with a warning) when it does not fit. */
function charge(walk: Walk, level: Level, entry: ArchiveEntry, limit: number): boolean {
  if (entry.size > limit) {
    walk.warnings.push(
      at(level, entry.name, `${entry.size} bytes, over the limit of ${limit}; not read`),
    );
    return false;
  }
  if (entry.size > walk.remaining) {
    walk.warnings.push(
      at(
        level,
        entry.name,
        `not read: the archive expands beyond ${walk.limits.maxTotalBytes} bytes`,
      ),
    );
    walk.remaining = 0;
    return false;
  }
  walk.remaining -= entry.size;
  return true;
}

function warnUnreadable(walk: Walk, level: Level, entry: ArchiveEntry, error: unknown): void {
  walk.warnings.push(
    at(level, entry.name, `unreadable: ${error instanceof Error ? error.message : String(error)}`),
  );
}

/** Reads an entry within the byte budget; undefined (with a warning) when it cannot be read. */
async function readBounded(
  walk: Walk,
  level: Level,
  archive: OpenArchive,
  entry: ArchiveEntry,
  limit: number,
): Promise<Buffer | undefined> {
  if (!charge(walk, level, entry, limit)) return undefined;
  try {
    return await archive.read(entry);
  } catch (error) {
    warnUnreadable(walk, level, entry, error);
    return undefined;
  }
}

/**
 * A nested archive within the byte budget: stored, it is read in place (only the parts its own
 * walk looks at); compressed, it is inflated into memory.
 */
async function nestedSource(
  walk: Walk,
  level: Level,
  archive: OpenArchive,
  entry: ArchiveEntry,
): Promise<ZipSource | undefined> {
  if (!charge(walk, level, entry, walk.limits.maxTotalBytes)) return undefined;
  try {
    const stored = await archive.storedSource(entry);
    return stored ?? bufferSource(await archive.read(entry));
  } catch (error) {
    warnUnreadable(walk, level, entry, error);
    return undefined;
  }
}

function pomCoordinates(properties: ReadonlyMap<string, string>): Coordinates | undefined {
  const groupId = properties.get('groupId')?.trim();
  const artifactId = properties.get('artifactId')?.trim();
  const version = properties.get('version')?.trim();
  return groupId && artifactId && version ? { groupId, artifactId, version } : undefined;
}

function isPomProperties(name: string): boolean {
  return name === 'pom.properties' || name.endsWith('/pom.properties');
}

async function walkLevel(walk: Walk, level: Level): Promise<void> {
  let archive: OpenArchive;
  try {
    archive = await openArchive(level.source);
  } catch (error) {
    walk.warnings.push(
      at(
        level,
        undefined,
        `not a readable zip archive: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    return;
  }
  try {
    const fileName = parseArchiveFileName(level.fileName);
    const poms: Coordinates[] = [];
    let manifest: ReadonlyMap<string, string> | undefined;
    const nested: ArchiveEntry[] = [];
    for (const entry of archive.entries) {
      const relevant =
        isPomProperties(entry.name) ||
        entry.name.toUpperCase() === 'META-INF/MANIFEST.MF' ||
        ARCHIVE_EXTENSION.test(entry.name);
      if (!relevant) continue;
      if (entry.unsafe) {
        walk.warnings.push(
          at(
            level,
            undefined,
            `skipped entry ${JSON.stringify(entry.name.slice(0, 200))}: ${entry.unsafe}`,
          ),
        );
        continue;
      }
      if (ARCHIVE_EXTENSION.test(entry.name)) {
        nested.push(entry);
        continue;
      }
      const text = await readBounded(walk, level, archive, entry, walk.limits.maxTextBytes);
      if (!text) continue;
      if (!isPomProperties(entry.name)) {
        manifest = parseManifestMain(text);
        continue;
      }
      const coordinates = pomCoordinates(parseProperties(text));
      if (!coordinates) continue;
      poms.push(coordinates);
      add(walk, level, coordinates, { identifiedBy: 'pom.properties', pomProperties: entry.name });
    }
    // The archive's own identity: a pom.properties named like the file (as Trivy decides), else the manifest.
    const own = poms.some(
      (p) =>
        p.artifactId === fileName.artifactId &&
        (fileName.version === undefined || p.version === fileName.version),
    );
    const fromManifest = own || !manifest ? undefined : manifestCoordinates(manifest, fileName);
    const duplicate =
      fromManifest &&
      poms.some((p) => sameArtifact(p, fromManifest, manifest?.get('bundle-symbolicname')));
    if (fromManifest && !duplicate) add(walk, level, fromManifest, { identifiedBy: 'MANIFEST.MF' });
    for (const entry of nested) {
      const innerPath = level.innerPath ? `${level.innerPath}!${entry.name}` : entry.name;
      if (level.depth + 1 > walk.limits.maxDepth) {
        walk.warnings.push(
          at(
            level,
            entry.name,
            `nested deeper than ${walk.limits.maxDepth} archive levels; not read`,
          ),
        );
        continue;
      }
      const source = await nestedSource(walk, level, archive, entry);
      if (!source) continue;
      await walkLevel(walk, { source, innerPath, fileName: entry.name, depth: level.depth + 1 });
    }
  } finally {
    archive.close();
  }
}

/** Every Maven package in a Java archive and the archives nested in it, within the limits. */
export async function walkJavaArchive(
  path: string,
  source: ZipSource,
  limits: WalkLimits,
): Promise<{ packages: PackageRecord[]; warnings: string[] }> {
  const walk: Walk = {
    limits,
    remaining: limits.maxTotalBytes,
    packages: [],
    seen: new Set(),
    warnings: [],
  };
  await walkLevel(walk, { source, innerPath: undefined, fileName: path, depth: 0 });
  return { packages: walk.packages, warnings: walk.warnings };
}
