import { parse as parseToml } from 'smol-toml';
import * as z from 'zod';
import type { ParseResult } from '../cataloger.js';
import type { PackageRecord } from '../types.js';
import { normalizePythonName } from './core-metadata.js';
import { dedupe, pypiRecord, PYTHON_NAME, type PythonLockOptions } from './lock-record.js';
import { describeCause } from '../../errors/index.js';

const tomlPackage = z.object({
  name: z.string(),
  version: z.string().optional(),
  category: z.string().optional(),
  groups: z.array(z.string()).optional(),
  source: z.record(z.string(), z.unknown()).optional(),
  dependencies: z.unknown().optional(),
  'optional-dependencies': z.unknown().optional(),
});
type TomlPackage = z.infer<typeof tomlPackage>;

function readPackages(
  text: string,
  file: string,
): { packages: TomlPackage[]; warnings: string[] } | { error: string } {
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (error) {
    return { error: `${file} is not valid TOML: ${describeCause(error).split('\n')[0]}` };
  }
  const list = z.object({ package: z.array(z.unknown()) }).safeParse(doc);
  if (!list.success) return { error: `${file} has no [[package]] array` };
  const packages: TomlPackage[] = [];
  const warnings: string[] = [];
  list.data.package.forEach((value, index) => {
    const parsed = tomlPackage.safeParse(value);
    if (parsed.success && PYTHON_NAME.test(parsed.data.name)) packages.push(parsed.data);
    else warnings.push(`package[${index}] skipped: no valid "name"`);
  });
  return { packages, warnings };
}

/**
 * `poetry.lock` (https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock): `[[package]]`
 * tables. Dev-only: `category = "dev"` (poetry < 1.2) or `groups` without `main` (poetry 2).
 */
export function parsePoetryLock(text: string, options: PythonLockOptions): ParseResult {
  const read = readPackages(text, 'poetry.lock');
  if ('error' in read) return { warnings: [read.error] };
  const records: PackageRecord[] = [];
  for (const pkg of read.packages) {
    if (!pkg.version) continue;
    const dev =
      pkg.category === 'dev' || (pkg.groups !== undefined && !pkg.groups.includes('main'));
    if (dev && !options.includeDev) continue;
    records.push(
      pypiRecord(pkg.name, pkg.version, dev ? { dev: true } : undefined, poetryNeeds(pkg)),
    );
  }
  return {
    packages: dedupe(records),
    ...(read.warnings.length > 0 ? { warnings: read.warnings } : {}),
  };
}

/**
 * `[package.dependencies]`: `name = "^1.0"`, or a table (`{ version, optional, markers }`), or a
 * list of such tables (one per marker). Optional ones are installed only with an extra: left out.
 */
function poetryNeeds(pkg: TomlPackage): string[] {
  const deps = z.record(z.string(), z.unknown()).safeParse(pkg.dependencies);
  if (!deps.success) return [];
  const optional = (spec: unknown): boolean =>
    typeof spec === 'object' && spec !== null && 'optional' in spec && spec.optional === true;
  return Object.entries(deps.data)
    .filter(
      ([name, spec]) =>
        PYTHON_NAME.test(name) && !(Array.isArray(spec) ? spec.every(optional) : optional(spec)),
    )
    .map(([name]) => name);
}

/** Sources that are the project's own code: the workspace root and local folders. */
const LOCAL_SOURCES = ['editable', 'virtual', 'directory', 'path'];

function dependencyNames(value: unknown): string[] {
  const out: string[] = [];
  const visit = (list: unknown): void => {
    const deps = z.array(z.object({ name: z.string() })).safeParse(list);
    if (deps.success) for (const dep of deps.data) out.push(normalizePythonName(dep.name));
  };
  visit(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    for (const group of Object.values(value)) visit(group);
  return out;
}

/**
 * `uv.lock` (https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile): `[[package]]`
 * tables. The project itself has a local `source` (`virtual`/`editable`); dev-only packages are
 * those not reachable from the local packages' `dependencies` and `optional-dependencies`
 * (dev groups live in `[package.dev-dependencies]`).
 */
export function parseUvLock(text: string, options: PythonLockOptions): ParseResult {
  const read = readPackages(text, 'uv.lock');
  if ('error' in read) return { warnings: [read.error] };
  const isLocal = (pkg: TomlPackage): boolean =>
    LOCAL_SOURCES.some((kind) => pkg.source?.[kind] !== undefined);
  const byName = new Map<string, TomlPackage[]>();
  for (const pkg of read.packages)
    byName.set(normalizePythonName(pkg.name), [
      ...(byName.get(normalizePythonName(pkg.name)) ?? []),
      pkg,
    ]);
  const prod = new Set<string>();
  const stack = read.packages
    .filter(isLocal)
    .flatMap((pkg) => [
      ...dependencyNames(pkg.dependencies),
      ...dependencyNames(pkg['optional-dependencies']),
    ]);
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (prod.has(name)) continue;
    prod.add(name);
    for (const pkg of byName.get(name) ?? [])
      stack.push(
        ...dependencyNames(pkg.dependencies),
        ...dependencyNames(pkg['optional-dependencies']),
      );
  }
  const hasRoot = read.packages.some(isLocal);
  const records: PackageRecord[] = [];
  for (const pkg of read.packages) {
    if (isLocal(pkg) || !pkg.version) continue;
    const dev = hasRoot && !prod.has(normalizePythonName(pkg.name));
    if (dev && !options.includeDev) continue;
    // `dependencies` only: `optional-dependencies` are installed with an extra.
    records.push(
      pypiRecord(
        pkg.name,
        pkg.version,
        dev ? { dev: true } : undefined,
        dependencyNames(pkg.dependencies),
      ),
    );
  }
  return {
    packages: dedupe(records),
    ...(read.warnings.length > 0 ? { warnings: read.warnings } : {}),
  };
}
