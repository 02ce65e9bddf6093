import * as z from 'zod';
import type { ParseResult } from '../cataloger.js';
import { exactRequirements, isNpmName, npmRecord, RecordSet } from './record.js';
import type { LockOptions } from './package-lock.js';
import { parseLockYaml } from './yaml-guard.js';

/**
 * `pnpm-lock.yaml` (https://github.com/pnpm/spec/tree/master/lockfile). Package keys changed
 * across lockfile versions: v5 `/name/1.0.0_peer@2.0.0`, v6 `/name@1.0.0(peer@2.0.0)`, v9
 * `name@1.0.0` (peers only in `snapshots`). v5/v6 mark dev-only packages with `dev: true`; v9 has
 * no flag, so dev-only is derived by walking `snapshots` from the importers' prod dependencies.
 */

const mapping = z.record(z.string(), z.unknown());
const packageEntry = z.object({
  name: z.string().optional(),
  version: z.union([z.string(), z.number()]).transform(String).optional(),
  dev: z.boolean().optional(),
  dependencies: mapping.optional(),
  optionalDependencies: mapping.optional(),
});
const snapshotEntry = z.object({
  dependencies: mapping.optional(),
  optionalDependencies: mapping.optional(),
});
const DEP_KINDS = ['dependencies', 'optionalDependencies', 'devDependencies'] as const;
type DepKind = (typeof DEP_KINDS)[number];

/** Drops a peer suffix: `1.0.0(peer@2)` (v6+) or `1.0.0_peer@2` (v5). */
function stripPeers(ref: string): string {
  const paren = ref.indexOf('(');
  const cut = paren === -1 ? ref : ref.slice(0, paren);
  // URLs may hold `_`; v5 peer suffixes only follow plain versions.
  const underscore = cut.includes(':') ? -1 : cut.indexOf('_');
  return underscore === -1 ? cut : cut.slice(0, underscore);
}

/** A version that names a published release, not a URL, path or protocol reference. */
function isPlainVersion(version: string): boolean {
  return version !== '' && !version.includes(':') && !version.includes('/');
}

/** Name and version from a `packages` key of any lockfile version. */
export function parsePnpmKey(
  key: string,
  major: number,
): { name: string; version: string } | undefined {
  const bare = key.startsWith('/') ? key.slice(1) : key;
  if (major <= 5) {
    const parts = bare.split('/');
    const nameParts = bare.startsWith('@') ? 2 : 1;
    if (parts.length !== nameParts + 1) return undefined;
    return {
      name: parts.slice(0, nameParts).join('/'),
      version: stripPeers(parts[nameParts] ?? ''),
    };
  }
  const peers = bare.indexOf('(');
  const noPeers = peers === -1 ? bare : bare.slice(0, peers);
  const at = noPeers.indexOf('@', 1);
  if (at === -1) return undefined;
  return { name: noPeers.slice(0, at), version: noPeers.slice(at + 1) };
}

/** `{ name: ref }` of one importer dependency kind, reading both v5 (`name: ref`) and v6+ (`name: {version}`). */
function importerDeps(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const deps = mapping.safeParse(value);
  if (!deps.success) return out;
  for (const [name, ref] of Object.entries(deps.data)) {
    if (typeof ref === 'string') out.set(name, ref);
    else if (
      typeof ref === 'object' &&
      ref !== null &&
      'version' in ref &&
      typeof ref.version === 'string'
    )
      out.set(name, ref.version);
  }
  return out;
}

type Importer = Record<DepKind, Map<string, string>>;

function readImporters(doc: Readonly<Record<string, unknown>>): Importer[] {
  const importers = mapping.safeParse(doc['importers']);
  const sources = importers.success ? Object.values(importers.data) : [doc];
  const out: Importer[] = [];
  for (const source of sources) {
    const fields = mapping.safeParse(source);
    if (!fields.success) continue;
    out.push({
      dependencies: importerDeps(fields.data['dependencies']),
      optionalDependencies: importerDeps(fields.data['optionalDependencies']),
      devDependencies: importerDeps(fields.data['devDependencies']),
    });
  }
  return out;
}

/** The snapshot key a dependency reference points at: `name@ref`, or the ref itself for aliases. */
function snapshotKey(name: string, ref: string): string {
  const base = stripPeers(ref);
  return base.indexOf('@', 1) > 0 && !base.includes(':') ? ref : `${name}@${ref}`;
}

/** v9: package keys (without peers) reachable from the importers' prod dependencies. */
function prodReachable(
  snapshots: Readonly<Record<string, unknown>>,
  importers: readonly Importer[],
): Set<string> {
  const seen = new Set<string>();
  const stack: string[] = [];
  for (const importer of importers) {
    for (const kind of ['dependencies', 'optionalDependencies'] as const) {
      for (const [name, ref] of importer[kind]) stack.push(snapshotKey(name, ref));
    }
  }
  const reached = new Set<string>();
  for (let key = stack.pop(); key !== undefined; key = stack.pop()) {
    if (seen.has(key)) continue;
    seen.add(key);
    const parsed = parsePnpmKey(key, 9);
    if (parsed) reached.add(`${parsed.name}@${parsed.version}`);
    const entry = snapshotEntry.safeParse(snapshots[key]);
    if (!entry.success) continue;
    for (const deps of [entry.data.dependencies, entry.data.optionalDependencies]) {
      for (const [name, ref] of Object.entries(deps ?? {}))
        if (typeof ref === 'string') stack.push(snapshotKey(name, ref));
    }
  }
  return reached;
}

/**
 * The package a dependency reference names: `1.0.0` (of `name`), `1.0.0(peer@2)` or
 * `1.0.0_peer@2` (peers dropped), an alias `real@1.0.0` (v9) or `/real@1.0.0` / `/real/1.0.0`
 * (v6, v5). `link:` and `file:` references are local folders: none.
 */
function referencedPackage(
  name: string,
  ref: string,
  major: number,
): { name: string; version: string } | undefined {
  const base = stripPeers(ref);
  if (base.startsWith('/')) return parsePnpmKey(ref, major);
  if (base.indexOf('@', 1) > 0 && !base.includes(':')) return parsePnpmKey(ref, 9);
  return isPlainVersion(base) ? { name, version: base } : undefined;
}

/** `{ name: ref }` dependency maps as exact `name@version` requirements. */
function pnpmRequirements(
  maps: readonly (Readonly<Record<string, unknown>> | undefined)[],
  major: number,
): string[][] {
  return exactRequirements(
    maps.flatMap((deps) =>
      Object.entries(deps ?? {}).map(([name, ref]) =>
        typeof ref === 'string' || typeof ref === 'number'
          ? referencedPackage(name, String(ref), major)
          : undefined,
      ),
    ),
  );
}

/** v9 keeps dependencies in `snapshots`, one per peer variant: their union per package key. */
function snapshotDependencies(
  snapshots: Readonly<Record<string, unknown>>,
): Map<string, Readonly<Record<string, unknown>>[]> {
  const out = new Map<string, Readonly<Record<string, unknown>>[]>();
  for (const [key, value] of Object.entries(snapshots)) {
    const parsed = parsePnpmKey(key, 9);
    const entry = snapshotEntry.safeParse(value ?? {});
    if (!parsed || !entry.success) continue;
    const id = `${parsed.name}@${parsed.version}`;
    const maps = out.get(id) ?? [];
    for (const deps of [entry.data.dependencies, entry.data.optionalDependencies])
      if (deps) maps.push(deps);
    out.set(id, maps);
  }
  return out;
}

function directNames(importers: readonly Importer[]): Set<string> {
  const out = new Set<string>();
  for (const importer of importers)
    for (const kind of DEP_KINDS)
      for (const [name, ref] of importer[kind]) out.add(`${name}@${stripPeers(ref)}`);
  return out;
}

export function parsePnpmLock(text: string, options: LockOptions): ParseResult {
  const parsed = parseLockYaml(text, 'pnpm-lock.yaml');
  if ('warning' in parsed) return { warnings: [parsed.warning] };
  const doc = parsed.doc;
  const top = mapping.safeParse(doc);
  if (!top.success) return { warnings: ['pnpm-lock.yaml is not a YAML mapping'] };
  const rawVersion = top.data['lockfileVersion'];
  const major =
    typeof rawVersion === 'number' || typeof rawVersion === 'string'
      ? Number.parseInt(String(rawVersion), 10)
      : Number.NaN;
  if (!Number.isFinite(major))
    return { warnings: ['pnpm-lock.yaml: field "lockfileVersion" missing or not a number'] };
  const packages = mapping.safeParse(top.data['packages'] ?? {});
  if (!packages.success) return { warnings: ['pnpm-lock.yaml: field "packages" is not a mapping'] };
  const importers = readImporters(top.data);
  const snapshots = mapping.safeParse(top.data['snapshots']);
  const prod =
    major >= 9 && snapshots.success ? prodReachable(snapshots.data, importers) : undefined;
  const direct = directNames(importers);
  const snapshotDeps = snapshots.success ? snapshotDependencies(snapshots.data) : undefined;
  const records = new RecordSet();
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(packages.data)) {
    const entry = packageEntry.safeParse(value ?? {});
    const fromKey = parsePnpmKey(key, major);
    if (!entry.success) {
      warnings.push(
        `packages["${key.slice(0, 120)}"] skipped: field "${entry.error.issues[0]?.path.join('.') ?? ''}" invalid`,
      );
      continue;
    }
    const name = entry.data.name ?? fromKey?.name;
    const version = entry.data.version ?? fromKey?.version;
    // No version of its own and a path or URL for a key version: a local folder, not a package.
    if (name === undefined || version === undefined || !isPlainVersion(version)) continue;
    if (!isNpmName(name)) {
      warnings.push(`packages["${key.slice(0, 120)}"] skipped: bad package name`);
      continue;
    }
    const dev = prod
      ? fromKey !== undefined && !prod.has(`${fromKey.name}@${fromKey.version}`)
      : entry.data.dev === true;
    if (dev && !options.includeDev) continue;
    const isDirect = fromKey !== undefined && direct.has(`${fromKey.name}@${fromKey.version}`);
    const requires = pnpmRequirements(
      snapshotDeps && fromKey
        ? (snapshotDeps.get(`${fromKey.name}@${fromKey.version}`) ?? [])
        : [entry.data.dependencies, entry.data.optionalDependencies],
      major,
    );
    records.add(
      npmRecord({
        name,
        version,
        requires,
        metadata: { direct: isDirect, ...(dev ? { dev: true } : {}) },
      }),
    );
  }
  return { packages: records.records(), ...(warnings.length > 0 ? { warnings } : {}) };
}
