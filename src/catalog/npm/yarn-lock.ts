import * as z from 'zod';
import type { ParseResult } from '../cataloger.js';
import { isNpmName, npmRecord, RecordSet } from './record.js';
import { parseLockYaml } from './yaml-guard.js';

/** `name@range` (name may be `@scope/name`) -> name and range; undefined when there is no `@`. */
function splitDescriptor(descriptor: string): { name: string; range: string } | undefined {
  const at = descriptor.indexOf('@', 1);
  if (at === -1) return undefined;
  return { name: descriptor.slice(0, at), range: descriptor.slice(at + 1) };
}

/** Ranges that point at the project's own folders, not at a published package. */
function isLocal(range: string): boolean {
  return (
    range.startsWith('file:') ||
    range.startsWith('link:') ||
    range.startsWith('workspace:') ||
    range.startsWith('portal:')
  );
}

function unquote(text: string): string {
  const trimmed = text.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : trimmed;
}

/**
 * Yarn classic (v1) lockfile: its own indentation format
 * (https://classic.yarnpkg.com/lang/en/docs/yarn-lock/). A block starts with an unindented line
 * of comma-separated descriptors ending in `:`; the resolved version is the 2-space-indented
 * `version "x"` line under it.
 */
export function parseYarnV1(text: string): ParseResult {
  const records = new RecordSet();
  const warnings: string[] = [];
  let current: { name: string; line: number } | undefined;
  let sawVersion = false;
  const finish = (): void => {
    if (current && !sawVersion)
      warnings.push(`line ${current.line}: entry "${current.name}" has no version`);
  };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    if (line[0] !== ' ') {
      finish();
      current = undefined;
      sawVersion = false;
      if (!line.endsWith(':')) {
        warnings.push(`line ${index + 1}: not an entry header`);
        continue;
      }
      const first = unquote(line.slice(0, -1).split(',')[0] ?? '');
      const descriptor = splitDescriptor(first);
      if (!descriptor) {
        warnings.push(`line ${index + 1}: descriptor "${first.slice(0, 80)}" has no version range`);
        continue;
      }
      let { name } = descriptor;
      const { range } = descriptor;
      if (isLocal(range)) continue;
      // `alias@npm:real@^1.0.0` installs `real` under another folder name.
      if (range.startsWith('npm:')) name = splitDescriptor(range.slice(4))?.name ?? name;
      current = { name, line: index + 1 };
      continue;
    }
    if (!current || sawVersion || !line.startsWith('  version ') || line.startsWith('   '))
      continue;
    const version = unquote(line.slice('  version '.length));
    sawVersion = true;
    if (!isNpmName(current.name) || version === '') {
      warnings.push(
        `line ${index + 1}: entry "${current.name.slice(0, 80)}" skipped: bad name or version`,
      );
      continue;
    }
    records.add(npmRecord({ name: current.name, version }));
  }
  finish();
  return { packages: records.records(), ...(warnings.length > 0 ? { warnings } : {}) };
}

const berryEntry = z.object({
  version: z.union([z.string(), z.number()]).transform(String),
  resolution: z.string(),
});

/**
 * Yarn berry (v2+) lockfile: YAML keyed by descriptors, each entry with `version` and a
 * `resolution` (`name@npm:1.2.3`). Workspaces, links, portals and `patch:` entries (a patched
 * copy of an npm entry that is listed on its own) are not separate published packages.
 */
export function parseYarnBerry(text: string): ParseResult {
  // Yarn's own reader takes the last of duplicate keys; so does parseLockYaml.
  const parsed = parseLockYaml(text, 'yarn.lock');
  if ('warning' in parsed) return { warnings: [parsed.warning] };
  const doc = parsed.doc;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { warnings: ['yarn.lock is not a YAML mapping'] };
  const records = new RecordSet();
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    const parsed = berryEntry.safeParse(value);
    if (!parsed.success) {
      warnings.push(
        `entry "${key.slice(0, 80)}" skipped: field "${parsed.error.issues[0]?.path.join('.') ?? ''}" missing or invalid`,
      );
      continue;
    }
    const resolved = splitDescriptor(parsed.data.resolution);
    if (!resolved || isLocal(resolved.range) || resolved.range.startsWith('patch:')) continue;
    if (!isNpmName(resolved.name)) {
      warnings.push(`entry "${key.slice(0, 80)}" skipped: bad package name`);
      continue;
    }
    records.add(npmRecord({ name: resolved.name, version: parsed.data.version }));
  }
  return { packages: records.records(), ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Berry lockfiles are YAML with a `__metadata` block; classic ones are not YAML at all. */
export function parseYarnLock(text: string): ParseResult {
  return /^__metadata:/m.test(text) ? parseYarnBerry(text) : parseYarnV1(text);
}
