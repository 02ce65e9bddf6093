import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { parse as parseYaml } from 'yaml';
import { sharedFixture } from '../../testing/index.js';
import type { OsvAffected } from '../osv-range.js';

export interface FeedAffected extends OsvAffected {
  readonly record: string;
  readonly ecosystem: string;
  readonly name: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `affected[]` entries of an OSV record (JSON or YAML text), shaped for isAffectedByOsv. */
function affectedOf(record: string, doc: unknown): FeedAffected[] {
  if (!isRecord(doc) || !Array.isArray(doc['affected'])) return [];
  const out: FeedAffected[] = [];
  for (const entry of doc['affected'] as unknown[]) {
    if (!isRecord(entry) || !isRecord(entry['package'])) continue;
    const ranges = Array.isArray(entry['ranges']) ? (entry['ranges'] as OsvAffected['ranges']) : [];
    const versions = Array.isArray(entry['versions'])
      ? (entry['versions'] as unknown[]).map(String)
      : [];
    out.push({
      record,
      ecosystem: String(entry['package']['ecosystem']),
      name: String(entry['package']['name']),
      ranges: ranges ?? [],
      versions,
    });
  }
  return out;
}

/**
 * The regular files of a shared `.tar.gz` fixture whose names end with one of `suffixes`, read in
 * memory (writing thousands of small files to disk is slower than parsing them).
 */
export async function readTarGz(
  path: string,
  suffixes: readonly string[],
): Promise<{ name: string; text: string }[]> {
  const files: { name: string; text: string }[] = [];
  const tar = extract();
  createReadStream(path).pipe(createGunzip()).pipe(tar);
  for await (const entry of tar) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type === 'file' && suffixes.some((s) => entry.header.name.endsWith(s))) {
      files.push({
        name: entry.header.name.split('/').pop() ?? entry.header.name,
        text: Buffer.concat(chunks).toString('utf8'),
      });
    }
  }
  return files;
}

/**
 * Every `affected[]` entry of one of the shared OSV fixture archives (`osv-go.tar.gz`,
 * `osv-crates.tar.gz`, `osv-pypi-yaml.tar.gz`), read with a real YAML/JSON parser.
 */
export async function readOsvArchive(archive: string): Promise<FeedAffected[]> {
  const out: FeedAffected[] = [];
  for (const file of await readTarGz(sharedFixture('vulndb', archive), ['.json', '.yaml'])) {
    out.push(
      ...affectedOf(
        file.name,
        file.name.endsWith('.json') ? JSON.parse(file.text) : parseYaml(file.text),
      ),
    );
  }
  return out;
}

/** Every version string an OSV archive names in events and `versions` lists (without `0`). */
export function osvVersions(affected: readonly FeedAffected[]): string[] {
  const found = new Set<string>();
  for (const entry of affected) {
    for (const v of entry.versions ?? []) found.add(v);
    for (const range of entry.ranges ?? []) {
      for (const event of range.events)
        for (const v of Object.values(event)) if (typeof v === 'string' && v !== '0') found.add(v);
    }
  }
  return [...found];
}
