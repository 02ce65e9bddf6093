import type { PackageRecord } from '../types.js';

export interface NpmRecordInput {
  readonly name: string;
  readonly version: string;
  readonly licenses?: readonly string[] | undefined;
  readonly originator?: string | undefined;
  /** Package names it needs (`@scope/name`), met by Node's lookup (see node-resolution.ts). */
  readonly requires?: readonly (readonly string[])[] | undefined;
  readonly metadata?: Readonly<Record<string, string | number | boolean>> | undefined;
}

/** npm names are `name` or `@scope/name`; the purl puts `@scope` in the namespace. */
export function splitNpmName(full: string): { namespace: string | undefined; name: string } {
  if (full.startsWith('@')) {
    const slash = full.indexOf('/');
    if (slash > 1 && slash < full.length - 1)
      return { namespace: full.slice(0, slash), name: full.slice(slash + 1) };
  }
  return { namespace: undefined, name: full };
}

/** A plausible npm package name: no spaces or control characters, at most one scope slash. */
export function isNpmName(name: string): boolean {
  if (name.length === 0 || name.length > 214) return false;
  for (let i = 0; i < name.length; i += 1) {
    const code = name.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return false;
  }
  const slash = name.indexOf('/');
  if (slash === -1) return !name.startsWith('.');
  return (
    name.startsWith('@') &&
    slash > 1 &&
    slash < name.length - 1 &&
    name.indexOf('/', slash + 1) === -1
  );
}

export function npmRecord(input: NpmRecordInput): PackageRecord {
  const { namespace, name } = splitNpmName(input.name);
  return {
    type: 'npm',
    name,
    version: input.version,
    ...(namespace === undefined ? {} : { namespace }),
    ...(input.licenses && input.licenses.length > 0 ? { licenses: input.licenses } : {}),
    ...(input.originator ? { originator: input.originator } : {}),
    ...(input.requires && input.requires.length > 0 ? { requires: input.requires } : {}),
    ...(input.metadata && Object.keys(input.metadata).length > 0
      ? { metadata: input.metadata }
      : {}),
  };
}

/**
 * The packages a lockfile resolved dependencies to, as exact `name@version` requirements (met in
 * that lockfile), each once; an unresolved dependency (undefined) gives none.
 */
export function exactRequirements(
  targets: Iterable<{ readonly name: string; readonly version: string } | undefined>,
): string[][] {
  const ids = new Set<string>();
  for (const target of targets) if (target) ids.add(`${target.name}@${target.version}`);
  return [...ids].map((id) => [id]);
}

/** Emits each name@version once (a lockfile can list the same package under several paths). */
export class RecordSet {
  private readonly byKey = new Map<string, PackageRecord>();

  add(record: PackageRecord): void {
    const key = `${record.namespace ?? ''}/${record.name}@${record.version}`;
    const known = this.byKey.get(key);
    if (!known) {
      this.byKey.set(key, record);
      return;
    }
    // The same name@version reached by several paths: direct if any path is direct, dev only if
    // every path is dev.
    const metadata = { ...known.metadata };
    if (record.metadata?.['direct'] === true) metadata['direct'] = true;
    if (record.metadata?.['dev'] !== true) delete metadata['dev'];
    // Each copy needs what it resolves to where it is installed: the union.
    const requires = new Map(
      [...(known.requires ?? []), ...(record.requires ?? [])].map((r) => [r.join('|'), r]),
    );
    this.byKey.set(key, {
      ...known,
      ...(requires.size > 0 ? { requires: [...requires.values()] } : {}),
      metadata: Object.keys(metadata).length > 0 ? metadata : undefined,
    });
  }

  records(): PackageRecord[] {
    return [...this.byKey.values()];
  }
}
