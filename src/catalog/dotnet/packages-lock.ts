import * as z from 'zod';
import type { ParseResult } from '../cataloger.js';
import type { PackageRecord } from '../types.js';
import { describeCause } from '../../errors/index.js';

const dependency = z.object({ type: z.string(), resolved: z.string().min(1) });
const objectOf = z.record(z.string(), z.unknown());

/**
 * NuGet `packages.lock.json` (https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files#locking-dependencies):
 * `dependencies` per target framework, each `{type: Direct|Transitive|CentralTransitive|Project, resolved}`.
 * A package locked for several frameworks is reported once; `Project` entries are the solution's own code.
 */
export function parsePackagesLock(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      warnings: [`packages.lock.json is not valid JSON: ${describeCause(error).split('\n')[0]}`],
    };
  }
  const top = z.object({ dependencies: objectOf }).safeParse(json);
  if (!top.success) return { warnings: ['packages.lock.json has no "dependencies" object'] };
  const warnings: string[] = [];
  const byId = new Map<string, PackageRecord>();
  for (const [framework, deps] of Object.entries(top.data.dependencies)) {
    const entries = objectOf.safeParse(deps);
    if (!entries.success) {
      warnings.push(`dependencies["${framework.slice(0, 80)}"] skipped: not an object`);
      continue;
    }
    for (const [name, value] of Object.entries(entries.data)) {
      const entry = dependency.safeParse(value);
      if (!entry.success) {
        warnings.push(
          `dependencies["${framework.slice(0, 80)}"]["${name.slice(0, 80)}"] skipped: field "${entry.error.issues[0]?.path.join('.') ?? ''}" invalid`,
        );
        continue;
      }
      if (entry.data.type.toLowerCase() === 'project') continue;
      const id = `${name.toLowerCase()}/${entry.data.resolved}`;
      const direct = entry.data.type.toLowerCase() === 'direct';
      const known = byId.get(id);
      if (known && (known.metadata?.['direct'] === true || !direct)) continue;
      byId.set(id, { type: 'nuget', name, version: entry.data.resolved, metadata: { direct } });
    }
  }
  return { packages: [...byId.values()], ...(warnings.length > 0 ? { warnings } : {}) };
}
