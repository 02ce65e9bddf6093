import { inflateSync } from 'node:zlib';
import * as z from 'zod';
import { describeIssues } from '../../oci/index.js';
import type { ParseResult } from '../cataloger.js';
import { findSection, sectionContents, type ElfImage } from '../internal/elf/index.js';
import type { PackageRecord } from '../types.js';
import { auditableSource, crateRecord } from './crate-record.js';

/**
 * The dependency list cargo-auditable embeds in Rust executables
 * (https://github.com/rust-secure-code/cargo-auditable/blob/master/PARSING.md): section
 * `.dep-v0`, zlib-compressed JSON `{ format?, packages: [{ name, version, source, kind?,
 * dependencies?, root? }] }` (schema: cargo-auditable.schema.json in that repository).
 */

export const AUDITABLE_SECTION = '.dep-v0';
/** The largest decompressed JSON accepted: real data is a few KiB per hundred crates. */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

const documentSchema = z.object({
  format: z.number().int().nonnegative().optional(),
  packages: z.array(z.unknown()),
});

const packageSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  source: z.string(),
  kind: z.enum(['build', 'runtime']).optional(),
  dependencies: z.array(z.number().int().nonnegative()).optional(),
  root: z.boolean().optional(),
});

function inflate(data: Buffer): Buffer | string {
  try {
    return inflateSync(data, { maxOutputLength: MAX_JSON_BYTES });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') return `decompresses to more than ${MAX_JSON_BYTES} bytes`;
    return `is not zlib data (${error instanceof Error ? error.message : String(error)})`;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Packages from a binary's `.dep-v0` section; undefined when the binary has none. Build-time
 * crates (`kind: build`: build scripts, proc-macros) are not in the executable and are skipped,
 * as Trivy does.
 */
export function readAuditableData(buf: Buffer, elf: ElfImage): ParseResult | undefined {
  const section = findSection(elf, AUDITABLE_SECTION);
  if (!section) return undefined;
  const raw = sectionContents(buf, elf, section, MAX_JSON_BYTES);
  if (!raw.ok) return { warnings: [`cargo-auditable data unreadable: ${raw.reason}`] };
  const json = inflate(raw.data);
  if (typeof json === 'string')
    return { warnings: [`cargo-auditable section ${AUDITABLE_SECTION} ${json}`] };
  const document = documentSchema.safeParse(parseJson(json.toString('utf8')));
  if (!document.success)
    return { warnings: [`cargo-auditable JSON invalid: ${describeIssues(document.error)}`] };
  const warnings: string[] = [];
  const packages: PackageRecord[] = [];
  const entries = document.data.packages.map((raw, index) => {
    const entry = packageSchema.safeParse(raw);
    if (entry.success) return entry.data;
    warnings.push(`cargo-auditable packages[${index}] skipped: ${describeIssues(entry.error)}`);
    return undefined;
  });
  for (const entry of entries) {
    if (!entry || entry.kind === 'build') continue;
    const { name, version, source, root } = entry;
    const record = crateRecord(name, version, auditableSource(source), root ? { root: true } : {});
    if (!record) continue;
    // `dependencies` are indexes into `packages`: one exact crate each (two versions of a crate
    // may be linked into one binary).
    const requires = (entry.dependencies ?? []).flatMap((at) => {
      const dependency = entries[at];
      return dependency ? [[`${dependency.name}@${dependency.version}`]] : [];
    });
    packages.push(requires.length > 0 ? { ...record, requires } : record);
  }
  return { packages, ...(warnings.length > 0 ? { warnings } : {}) };
}
