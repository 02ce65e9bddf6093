import * as z from 'zod';
import type { ParseResult } from '../cataloger.js';
import { normalizeLicense } from '../internal/license/index.js';
import { nodeLookup } from './node-resolution.js';
import { nameFromInstallPath } from './paths.js';
import { exactRequirements, isNpmName, npmRecord, RecordSet } from './record.js';
import { describeCause } from '../../errors/index.js';

/** v1 nests `dependencies` inside `dependencies`; deeper than this is hostile, not a real tree. */
const MAX_V1_DEPTH = 512;

const objectOf = z.record(z.string(), z.unknown());

/** One `packages` entry of lockfile v2/v3 (https://docs.npmjs.com/cli/configuring-npm/package-lock-json). */
const packageEntry = z.object({
  name: z.string().optional(),
  version: z.string().optional(),
  link: z.boolean().optional(),
  dev: z.boolean().optional(),
  license: z.unknown().optional(),
  dependencies: objectOf.optional(),
  devDependencies: objectOf.optional(),
  optionalDependencies: objectOf.optional(),
  peerDependencies: objectOf.optional(),
});

/** One `dependencies` entry of lockfile v1. */
const v1Entry = z.object({
  version: z.string().min(1),
  dev: z.boolean().optional(),
  requires: objectOf.optional(),
  dependencies: objectOf.optional(),
});

type V1Scope = Readonly<Record<string, unknown>>;

/**
 * A v1 entry's `requires`, each looked up as Node would in the nested tree: the entry's own
 * `dependencies`, then those of each enclosing entry, then the top level.
 */
function v1Requirements(entry: z.infer<typeof v1Entry>, scopes: readonly V1Scope[]): string[][] {
  const chain = entry.dependencies ? [...scopes, entry.dependencies] : scopes;
  const resolve = (required: string): { name: string; version: string } | undefined => {
    for (let at = chain.length - 1; at >= 0; at -= 1) {
      const found = v1Entry.safeParse(chain[at]?.[required]);
      if (found.success) return unalias(required, found.data.version);
    }
    return undefined;
  };
  return exactRequirements(Object.keys(entry.requires ?? {}).map(resolve));
}

export interface LockOptions {
  readonly includeDev: boolean;
}

function describe(issues: readonly z.core.$ZodIssue[]): string {
  const issue = issues[0];
  return issue ? `${issue.path.join('.') || '(entry)'}: ${issue.message}` : 'invalid';
}

/**
 * The direct dependency names of the project root (`""`) and of each workspace folder, keyed by
 * folder: a package installed right under that folder's node_modules with such a name is direct.
 */
function projectDependencies(
  packages: Readonly<Record<string, unknown>>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [key, value] of Object.entries(packages)) {
    if (key !== '' && key.includes('node_modules/')) continue;
    const entry = packageEntry.safeParse(value);
    if (!entry.success) continue;
    const { dependencies, devDependencies, optionalDependencies, peerDependencies } = entry.data;
    const names = new Set<string>();
    for (const deps of [dependencies, devDependencies, optionalDependencies, peerDependencies]) {
      for (const name of Object.keys(deps ?? {})) names.add(name);
    }
    out.set(key, names);
  }
  return out;
}

/** Undefined where the lockfile does not say (the hidden lockfile has no project entry). */
function isDirect(
  key: string,
  folderName: string,
  projects: Map<string, Set<string>>,
): boolean | undefined {
  const parent = key
    .slice(0, key.length - folderName.length - 'node_modules/'.length)
    .replace(/\/$/, '');
  if (!projects.has('')) return undefined;
  return projects.get(parent)?.has(folderName) ?? false;
}

/**
 * What an entry at install path `key` needs, as exact `name@version`s: each of its dependencies,
 * optional and peer dependencies looked up from `key` the way Node looks (`nodeLookup`) among the
 * lockfile's install paths. Names the lockfile does not install (an optional dependency for
 * another platform) give nothing.
 */
function lockRequirements(
  key: string,
  entry: z.infer<typeof packageEntry>,
  installed: ReadonlyMap<string, { name: string; version: string }>,
): string[][] {
  const names = [entry.dependencies, entry.optionalDependencies, entry.peerDependencies].flatMap(
    (deps) => Object.keys(deps ?? {}),
  );
  return exactRequirements(
    names.map((name) => {
      const folder = nodeLookup(key, name, (candidate) => installed.has(candidate));
      return folder === undefined ? undefined : installed.get(folder);
    }),
  );
}

function parsePackages(
  packages: Readonly<Record<string, unknown>>,
  options: LockOptions,
  warnings: string[],
): RecordSet {
  const records = new RecordSet();
  const projects = projectDependencies(packages);
  // Every reported install path and the package there, for dependency lookups.
  const installed = new Map<string, { name: string; version: string }>();
  for (const [key, value] of Object.entries(packages)) {
    const folderName = nameFromInstallPath(key);
    const entry = packageEntry.safeParse(value);
    if (folderName === undefined || !entry.success || entry.data.link === true) continue;
    if (entry.data.dev === true && !options.includeDev) continue;
    const name = entry.data.name ?? folderName;
    if (isNpmName(name) && entry.data.version)
      installed.set(key, { name, version: entry.data.version });
  }
  for (const [key, value] of Object.entries(packages)) {
    const folderName = nameFromInstallPath(key);
    // `""` is the project itself and keys without node_modules/ are workspace folders: the
    // project's own code, not dependencies.
    if (folderName === undefined) continue;
    const parsed = packageEntry.safeParse(value);
    if (!parsed.success) {
      warnings.push(`packages["${key}"] skipped: ${describe(parsed.error.issues)}`);
      continue;
    }
    const entry = parsed.data;
    if (entry.link === true) continue; // a symlink to a workspace folder, reported there if at all
    if (entry.dev === true && !options.includeDev) continue;
    const name = entry.name ?? folderName;
    if (!isNpmName(name) || entry.version === undefined || entry.version === '') {
      warnings.push(`packages["${key}"] skipped: no valid name and version`);
      continue;
    }
    const license = normalizeLicense(entry.license);
    const direct = isDirect(key, folderName, projects);
    records.add(
      npmRecord({
        name,
        version: entry.version,
        requires: lockRequirements(key, entry, installed),
        licenses: license === undefined ? undefined : [license],
        metadata: {
          ...(direct === undefined ? {} : { direct }),
          ...(entry.dev === true ? { dev: true } : {}),
        },
      }),
    );
  }
  return records;
}

/** `npm:real-name@1.2.3` (an aliased install) -> the real package. */
function unalias(name: string, version: string): { name: string; version: string } {
  if (!version.startsWith('npm:')) return { name, version };
  const spec = version.slice(4);
  const at = spec.lastIndexOf('@');
  return at > 0 ? { name: spec.slice(0, at), version: spec.slice(at + 1) } : { name, version };
}

function parseV1(
  dependencies: Readonly<Record<string, unknown>>,
  options: LockOptions,
  warnings: string[],
): RecordSet {
  const records = new RecordSet();
  const stack: { scopes: readonly V1Scope[]; depth: number; path: string }[] = [
    { scopes: [dependencies], depth: 0, path: 'dependencies' },
  ];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    if (frame.depth > MAX_V1_DEPTH) {
      warnings.push(`${frame.path}: nested deeper than ${MAX_V1_DEPTH} levels, not read further`);
      continue;
    }
    const deps = frame.scopes[frame.scopes.length - 1] ?? {};
    for (const [key, value] of Object.entries(deps)) {
      const path = `${frame.path}["${key}"]`;
      const parsed = v1Entry.safeParse(value);
      if (!parsed.success) {
        warnings.push(`${path} skipped: ${describe(parsed.error.issues)}`);
        continue;
      }
      const entry = parsed.data;
      if (entry.dependencies)
        stack.push({
          scopes: [...frame.scopes, entry.dependencies],
          depth: frame.depth + 1,
          path: `${path}.dependencies`,
        });
      if (entry.dev === true && !options.includeDev) continue;
      const { name, version } = unalias(key, entry.version);
      // `file:` and `link:` versions are local folders: the project's own code.
      if (version.startsWith('file:') || version.startsWith('link:')) continue;
      if (!isNpmName(name)) {
        warnings.push(`${path} skipped: not a package name`);
        continue;
      }
      records.add(
        npmRecord({
          name,
          version,
          requires: v1Requirements(entry, frame.scopes),
          metadata: entry.dev === true ? { dev: true } : undefined,
        }),
      );
    }
  }
  return records;
}

/**
 * `package-lock.json`, `npm-shrinkwrap.json` and `node_modules/.package-lock.json`: lockfile v2/v3
 * from `packages` (keyed by install path), v1 from the nested `dependencies` tree.
 */
export function parsePackageLock(text: string, options: LockOptions): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { warnings: [`lockfile is not valid JSON: ${describeCause(error).split('\n')[0]}`] };
  }
  const top = objectOf.safeParse(json);
  if (!top.success) return { warnings: ['lockfile skipped: not a JSON object'] };
  const warnings: string[] = [];
  const packages = objectOf.safeParse(top.data['packages']);
  const dependencies = objectOf.safeParse(top.data['dependencies']);
  let records: RecordSet;
  if (packages.success) records = parsePackages(packages.data, options, warnings);
  else if (dependencies.success) records = parseV1(dependencies.data, options, warnings);
  else return { warnings: ['lockfile has neither "packages" nor "dependencies"'] };
  return { packages: records.records(), ...(warnings.length > 0 ? { warnings } : {}) };
}
