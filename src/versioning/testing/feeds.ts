import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const versions = Array.isArray(entry['versions']) ? (entry['versions'] as unknown[]).map(String) : [];
    out.push({ record, ecosystem: String(entry['package']['ecosystem']), name: String(entry['package']['name']), ranges: ranges ?? [], versions });
  }
  return out;
}

/**
 * Every `affected[]` entry of one of the shared OSV fixture archives (`osv-go.tar.gz`,
 * `osv-crates.tar.gz`, `osv-pypi-yaml.tar.gz`), read with a real tar and YAML/JSON parser.
 */
export function readOsvArchive(archive: string): FeedAffected[] {
  const dir = mkdtempSync(join(tmpdir(), 'lockyard-osv-'));
  try {
    execFileSync('tar', ['xzf', sharedFixture('vulndb', archive), '-C', dir]);
    const out: FeedAffected[] = [];
    const walk = (d: string): void => {
      for (const entry of readdirSync(d, { withFileTypes: true })) {
        const path = join(d, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.json')) out.push(...affectedOf(entry.name, JSON.parse(readFileSync(path, 'utf8'))));
        else if (entry.name.endsWith('.yaml')) out.push(...affectedOf(entry.name, parseYaml(readFileSync(path, 'utf8'))));
      }
    };
    walk(dir);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every version string an OSV archive names in events and `versions` lists (without `0`). */
export function osvVersions(affected: readonly FeedAffected[]): string[] {
  const found = new Set<string>();
  for (const entry of affected) {
    for (const v of entry.versions ?? []) found.add(v);
    for (const range of entry.ranges ?? []) {
      for (const event of range.events) for (const v of Object.values(event)) if (typeof v === 'string' && v !== '0') found.add(v);
    }
  }
  return [...found];
}
