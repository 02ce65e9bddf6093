import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { describeCause } from '../errors/index.js';
import { pullArtifact, pushArtifact, type RegistryOptions } from '../oci/index.js';
import { openVulnDb, type VulnDbStatus } from './db/reader.js';
import { SCHEMA_VERSION } from './db/schema.js';
import { VulnDbError } from './errors.js';

/** The OCI artifact a Lockyard vulnerability database travels as (for air-gapped mirrors). */
export const VULNDB_ARTIFACT_TYPE = 'application/vnd.lockyard.vulndb.v1';
export const VULNDB_LAYER_MEDIA_TYPE = 'application/vnd.lockyard.vulndb.layer.v1.sqlite+gzip';
const SCHEMA_ANNOTATION = 'dev.lockyard.vulndb.schema';
const BUILT_ANNOTATION = 'org.opencontainers.image.created';

export interface DistributeOptions {
  readonly registry?: RegistryOptions | undefined;
  /** Scratch space on the same file system as the database (the data dir's tmp). */
  readonly tmpDir: string;
}

/**
 * `lockyard db push REF`: the database file, gzip-compressed, as a one-layer OCI artifact
 * annotated with its schema version and build time. Returns the manifest digest.
 */
export async function pushVulnDb(
  path: string,
  reference: string,
  options: DistributeOptions,
): Promise<{ digest: string; status: VulnDbStatus }> {
  const db = openVulnDb(path);
  let status: VulnDbStatus;
  try {
    status = db.status();
  } finally {
    db.close();
  }
  const work = await mkdtemp(join(options.tmpDir, 'vulndb-push-'));
  try {
    const packed = join(work, 'lockyard.db.gz');
    await pipeline(createReadStream(path), createGzip({ level: 6 }), createWriteStream(packed));
    const digest = await pushArtifact(
      reference,
      {
        artifactType: VULNDB_ARTIFACT_TYPE,
        files: [{ path: packed, mediaType: VULNDB_LAYER_MEDIA_TYPE, name: 'lockyard.db.gz' }],
        annotations: {
          [SCHEMA_ANNOTATION]: String(status.schemaVersion),
          [BUILT_ANNOTATION]: status.builtAt,
        },
      },
      options.registry ?? {},
    );
    return { digest, status };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * `lockyard db pull REF`: fetches the artifact (every blob digest-verified by the client), checks
 * it is a Lockyard database of the schema this build reads, opens it to prove it is whole, and
 * only then renames it over the current database. Any failure leaves the old database in place.
 */
export async function pullVulnDb(
  reference: string,
  output: string,
  options: DistributeOptions,
): Promise<VulnDbStatus> {
  const work = await mkdtemp(join(options.tmpDir, 'vulndb-pull-'));
  try {
    const artifact = await pullArtifact(reference, options.registry ?? {}, { into: work });
    if (artifact.artifactType !== VULNDB_ARTIFACT_TYPE) {
      throw new VulnDbError(
        'VERIFY_FAILED',
        `${reference}: not a Lockyard vulnerability database (artifact type ${artifact.artifactType ?? 'none'})`,
      );
    }
    const schema = artifact.manifest.annotations?.[SCHEMA_ANNOTATION];
    if (schema !== String(SCHEMA_VERSION)) {
      throw new VulnDbError(
        'SCHEMA_MISMATCH',
        `${reference}: database schema ${schema ?? 'unknown'} but this Lockyard reads schema ${SCHEMA_VERSION}; push a database built by this version`,
      );
    }
    const layer = artifact.files.find(
      (file) => file.descriptor.mediaType === VULNDB_LAYER_MEDIA_TYPE,
    );
    if (!layer?.path)
      throw new VulnDbError(
        'VERIFY_FAILED',
        `${reference}: the artifact has no ${VULNDB_LAYER_MEDIA_TYPE} layer`,
      );
    const unpacked = join(dirname(output), `.${Date.now()}-${process.pid}.pull.db`);
    try {
      await pipeline(createReadStream(layer.path), createGunzip(), createWriteStream(unpacked));
    } catch (error) {
      await rm(unpacked, { force: true });
      throw new VulnDbError(
        'VERIFY_FAILED',
        `${reference}: the database layer does not decompress (${describeCause(error)})`,
      );
    }
    let status: VulnDbStatus;
    try {
      const db = openVulnDb(unpacked);
      try {
        status = db.status();
      } finally {
        db.close();
      }
    } catch (error) {
      await rm(unpacked, { force: true });
      throw error;
    }
    await rename(unpacked, output);
    return { ...status, path: output, bytes: (await stat(output)).size };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
