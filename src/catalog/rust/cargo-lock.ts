import { parse as parseToml } from 'smol-toml';
import * as z from 'zod';
import { describeIssues } from '../../oci/index.js';
import type { ParseResult } from '../cataloger.js';
import type { PackageRecord } from '../types.js';
import { crateRecord, lockSource } from './crate-record.js';

/**
 * Cargo.lock, every format cargo has written (https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html;
 * format history in cargo's `core/resolver/encode.rs`): v1 without a `version` key and checksums
 * in `[metadata]`, v2 (checksums inline), v3 (`version = 3`), v4 (`version = 4`, percent-encoded
 * git URLs). `[[package]]` tables with `name`, `version` and, for non-path crates, `source`.
 */

const MAX_LOCKFILE_BYTES = 32 * 1024 * 1024;
const KNOWN_FORMATS = new Set([1, 2, 3, 4]);

const packageSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  source: z.string().optional(),
  checksum: z.string().optional(),
});

const lockSchema = z.object({
  version: z.number().int().optional(),
  package: z.array(z.unknown()).optional(),
});

/** git sources in v4 lockfiles percent-encode their query; undo it so vcs_url reads like v3's. */
function decodeSource(source: string | undefined): string | undefined {
  if (source === undefined || !source.startsWith('git+')) return source;
  try {
    return decodeURIComponent(source);
  } catch {
    return source;
  }
}

export function parseCargoLock(content: Buffer): ParseResult {
  if (content.length > MAX_LOCKFILE_BYTES)
    return { warnings: [`Cargo.lock larger than ${MAX_LOCKFILE_BYTES} bytes, ignored`] };
  let document: unknown;
  try {
    document = parseToml(content.toString('utf8'));
  } catch (error) {
    const why = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return { warnings: [`Cargo.lock is not valid TOML: ${why}`] };
  }
  const lock = lockSchema.safeParse(document);
  if (!lock.success) return { warnings: [`Cargo.lock: ${describeIssues(lock.error)}`] };
  const warnings: string[] = [];
  const format = lock.data.version ?? 1;
  if (!KNOWN_FORMATS.has(format))
    warnings.push(
      `Cargo.lock format version ${format} is newer than this reader; read as version 4`,
    );
  const packages: PackageRecord[] = [];
  for (const [index, raw] of (lock.data.package ?? []).entries()) {
    const entry = packageSchema.safeParse(raw);
    if (!entry.success) {
      warnings.push(`Cargo.lock package[${index}] skipped: ${describeIssues(entry.error)}`);
      continue;
    }
    const { name, version, source, checksum } = entry.data;
    const record = crateRecord(
      name,
      version,
      lockSource(decodeSource(source)),
      checksum ? { checksum } : {},
    );
    if (record) packages.push(record);
  }
  return { packages, ...(warnings.length > 0 ? { warnings } : {}) };
}
