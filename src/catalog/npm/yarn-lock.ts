import * as z from 'zod';
import type { ParseResult } from '../cataloger.js';
import { exactRequirements, isNpmName, npmRecord, RecordSet } from './record.js';
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

/** One v1 block: its descriptors, resolved package and the `name range` lines it depends on. */
interface V1Block {
  readonly line: number;
  readonly descriptors: string[];
  readonly name: string;
  version: string | undefined;
  readonly dependencies: { name: string; range: string }[];
}

/** `lodash "^4.17.11"`, `"@babel/highlight" "^7.12.13"`: a dependency line under a section. */
const V1_DEPENDENCY = /^ {4}(?<name>"[^"]+"|\S+) +(?<range>"[^"]*"|\S+)$/u;

/**
 * Yarn classic (v1) lockfile: its own indentation format
 * (https://classic.yarnpkg.com/lang/en/docs/yarn-lock/). A block starts with an unindented line
 * of comma-separated descriptors ending in `:`; the resolved version is the 2-space-indented
 * `version "x"` line under it, and `dependencies:` / `optionalDependencies:` sections list
 * `name "range"` lines, each resolved through the block whose header holds `name@range`.
 */
export function parseYarnV1(text: string): ParseResult {
  const warnings: string[] = [];
  const blocks: V1Block[] = [];
  let current: V1Block | undefined;
  let inDependencies = false;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    if (line[0] !== ' ') {
      current = undefined;
      inDependencies = false;
      if (!line.endsWith(':')) {
        warnings.push(`line ${index + 1}: not an entry header`);
        continue;
      }
      const descriptors = line.slice(0, -1).split(',').map(unquote);
      const descriptor = splitDescriptor(descriptors[0] ?? '');
      if (!descriptor) {
        warnings.push(
          `line ${index + 1}: descriptor "${(descriptors[0] ?? '').slice(0, 80)}" has no version range`,
        );
        continue;
      }
      let { name } = descriptor;
      const { range } = descriptor;
      if (isLocal(range)) continue;
      // `alias@npm:real@^1.0.0` installs `real` under another folder name.
      if (range.startsWith('npm:')) name = splitDescriptor(range.slice(4))?.name ?? name;
      current = { line: index + 1, descriptors, name, version: undefined, dependencies: [] };
      blocks.push(current);
      continue;
    }
    if (!current) continue;
    if (!line.startsWith('   ')) {
      inDependencies = line === '  dependencies:' || line === '  optionalDependencies:';
      if (current.version === undefined && line.startsWith('  version '))
        current.version = unquote(line.slice('  version '.length));
      continue;
    }
    const dependency = inDependencies ? V1_DEPENDENCY.exec(line)?.groups : undefined;
    if (dependency)
      current.dependencies.push({
        name: unquote(dependency['name'] ?? ''),
        range: unquote(dependency['range'] ?? ''),
      });
  }
  const resolved = new Map<string, { name: string; version: string }>();
  for (const block of blocks) {
    if (block.version === undefined || block.version === '') continue;
    for (const descriptor of block.descriptors)
      resolved.set(descriptor, { name: block.name, version: block.version });
  }
  const records = new RecordSet();
  for (const block of blocks) {
    if (block.version === undefined) {
      warnings.push(`line ${block.line}: entry "${block.name.slice(0, 80)}" has no version`);
      continue;
    }
    if (!isNpmName(block.name) || block.version === '') {
      warnings.push(
        `line ${block.line}: entry "${block.name.slice(0, 80)}" skipped: bad name or version`,
      );
      continue;
    }
    records.add(
      npmRecord({
        name: block.name,
        version: block.version,
        requires: exactRequirements(
          block.dependencies.map(({ name, range }) => resolved.get(`${name}@${range}`)),
        ),
      }),
    );
  }
  return { packages: records.records(), ...(warnings.length > 0 ? { warnings } : {}) };
}

const berryEntry = z.object({
  version: z.union([z.string(), z.number()]).transform(String),
  resolution: z.string(),
  dependencies: z.record(z.string(), z.unknown()).optional(),
  optionalDependencies: z.record(z.string(), z.unknown()).optional(),
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
  const warnings: string[] = [];
  const entries: { key: string; entry: z.infer<typeof berryEntry>; name: string }[] = [];
  // Every descriptor of an entry's key (`a@npm:^1.0.0, a@npm:^1.1.0`) -> what it resolved to.
  const resolved = new Map<string, { name: string; version: string }>();
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata') continue;
    const parsed = berryEntry.safeParse(value);
    if (!parsed.success) {
      warnings.push(
        `entry "${key.slice(0, 80)}" skipped: field "${parsed.error.issues[0]?.path.join('.') ?? ''}" missing or invalid`,
      );
      continue;
    }
    const resolution = splitDescriptor(parsed.data.resolution);
    if (!resolution || isLocal(resolution.range) || resolution.range.startsWith('patch:')) continue;
    if (!isNpmName(resolution.name)) {
      warnings.push(`entry "${key.slice(0, 80)}" skipped: bad package name`);
      continue;
    }
    entries.push({ key, entry: parsed.data, name: resolution.name });
    for (const descriptor of key.split(','))
      resolved.set(descriptor.trim(), { name: resolution.name, version: parsed.data.version });
  }
  const records = new RecordSet();
  for (const { entry, name } of entries) {
    // A dependency's range is written without the `npm:` protocol the keys carry.
    // YAML reads a bare range such as `wrappy: 1` as a number.
    const dependencies = Object.entries({ ...entry.dependencies, ...entry.optionalDependencies })
      .filter(([, range]) => typeof range === 'string' || typeof range === 'number')
      .map(([dependency, range]) => ({ name: dependency, range: String(range) }));
    const requires = exactRequirements(
      dependencies.map(
        ({ name: dependency, range }) =>
          resolved.get(`${dependency}@${range}`) ?? resolved.get(`${dependency}@npm:${range}`),
      ),
    );
    records.add(npmRecord({ name, version: entry.version, requires }));
  }
  return { packages: records.records(), ...(warnings.length > 0 ? { warnings } : {}) };
}

/** Berry lockfiles are YAML with a `__metadata` block; classic ones are not YAML at all. */
export function parseYarnLock(text: string): ParseResult {
  return /^__metadata:/m.test(text) ? parseYarnBerry(text) : parseYarnV1(text);
}
