import * as z from 'zod';
import type { ParseResult } from '../cataloger.js';
import type { PackageRecord } from '../types.js';
import { describeCause } from '../../errors/index.js';

const objectOf = z.record(z.string(), z.unknown());
const library = z.object({ type: z.string() });
const targetEntry = z.object({
  dependencies: z.record(z.string(), z.unknown()).optional(),
  runtime: z.unknown().optional(),
  runtimeTargets: z.unknown().optional(),
  native: z.unknown().optional(),
  resources: z.unknown().optional(),
});
type TargetEntry = z.infer<typeof targetEntry>;

/** The SDK's name for the .NET runtime bundled into a self-contained app. */
const RUNTIME_PACK_PREFIX = 'runtimepack.';
/** NuGet ids: letters, digits, `.`, `_`, `-`. */
const NUGET_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}

/** `name/version` -> parts, with the runtimepack prefix dropped so targets and libraries agree. */
function splitKey(key: string): { name: string; version: string } | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) return undefined;
  const raw = key.slice(0, slash);
  const name = raw.startsWith(RUNTIME_PACK_PREFIX) ? raw.slice(RUNTIME_PACK_PREFIX.length) : raw;
  return { name, version: key.slice(slash + 1) };
}

function readTargets(json: Record<string, unknown>): Map<string, TargetEntry> | undefined {
  const runtimeTarget = z.object({ name: z.string() }).safeParse(json['runtimeTarget']);
  const targets = objectOf.safeParse(json['targets']);
  if (!runtimeTarget.success || !targets.success) return undefined;
  const selected = objectOf.safeParse(targets.data[runtimeTarget.data.name]);
  if (!selected.success) return undefined;
  const out = new Map<string, TargetEntry>();
  for (const [key, value] of Object.entries(selected.data)) {
    const parts = splitKey(key);
    const entry = targetEntry.safeParse(value);
    if (parts && entry.success) out.set(`${parts.name}/${parts.version}`, entry.data);
  }
  return out;
}

/** The project nobody else depends on is the application; its dependencies are the direct ones. */
function directIds(
  projects: readonly string[],
  targets: ReadonlyMap<string, TargetEntry>,
): Set<string> | undefined {
  const referenced = new Set<string>();
  for (const entry of targets.values()) {
    for (const [name, version] of Object.entries(entry.dependencies ?? {}))
      referenced.add(`${name.replace(/^runtimepack\./, '')}/${String(version)}`);
  }
  const roots = projects.filter((id) => !referenced.has(id));
  if (roots.length !== 1 || roots[0] === undefined) return undefined;
  const root = targets.get(roots[0]);
  return new Set(
    Object.entries(root?.dependencies ?? {}).map(
      ([name, version]) => `${name.replace(/^runtimepack\./, '')}/${String(version)}`,
    ),
  );
}

/**
 * `<app>.deps.json` (https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md):
 * `libraries` keyed `Name/Version`. Reported: `package` libraries deployed with the app (see the
 * runtime-target check below) and the `runtimepack` (the bundled .NET runtime of a
 * self-contained app, under its NuGet name without the `runtimepack.` prefix). `project`
 * entries are the application's own code.
 */
export function parseDepsJson(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { warnings: [`deps.json is not valid JSON: ${describeCause(error).split('\n')[0]}`] };
  }
  const top = objectOf.safeParse(json);
  if (!top.success) return { warnings: ['deps.json is not a JSON object'] };
  const libraries = objectOf.safeParse(top.data['libraries']);
  if (!libraries.success) return { warnings: ['deps.json has no "libraries" object'] };
  const targets = readTargets(top.data);
  const warnings: string[] = [];
  const candidates: { id: string; name: string; version: string; kind: string }[] = [];
  for (const [key, value] of Object.entries(libraries.data)) {
    const parsed = library.safeParse(value);
    const parts = splitKey(key);
    if (!parsed.success || !parts || !NUGET_ID.test(parts.name)) {
      warnings.push(
        `libraries["${key.slice(0, 120)}"] skipped: ${parsed.success ? 'not "Name/Version"' : 'field "type" missing or not a string'}`,
      );
      continue;
    }
    candidates.push({
      id: `${parts.name}/${parts.version}`,
      ...parts,
      kind: parsed.data.type.toLowerCase(),
    });
  }
  const projects = candidates.filter((c) => c.kind === 'project').map((c) => c.id);
  const direct = targets ? directIds(projects, targets) : undefined;
  const packages: PackageRecord[] = [];
  for (const candidate of candidates) {
    if (candidate.kind !== 'package' && candidate.kind !== 'runtimepack') continue;
    const target = targets?.get(candidate.id);
    // Listed under the runtime target with nothing to load and nothing it pulls in (`{}`, or
    // compile assets only): its assets were left out of the app (provided by the framework,
    // or a build-time-only package). Metapackages (dependencies only) and satellite resource
    // packages are kept: they are what the app was built with.
    if (
      target &&
      [
        target.runtime,
        target.runtimeTargets,
        target.native,
        target.resources,
        target.dependencies,
      ].every(isEmpty)
    )
      continue;
    const metadata: Record<string, boolean> = {};
    if (direct) metadata['direct'] = direct.has(candidate.id);
    if (candidate.kind === 'runtimepack') metadata['runtimePack'] = true;
    // The target's `dependencies` name exact versions (`"System.Memory": "4.5.5"`).
    const requires = Object.entries(target?.dependencies ?? {}).map(([name, version]) => [
      `${name.replace(/^runtimepack\./u, '')}@${String(version)}`,
    ]);
    packages.push({
      type: 'nuget',
      name: candidate.name,
      version: candidate.version,
      ...(requires.length > 0 ? { requires } : {}),
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    });
  }
  return { packages, ...(warnings.length > 0 ? { warnings } : {}) };
}
