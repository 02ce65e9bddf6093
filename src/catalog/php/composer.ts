import * as z from 'zod';
import type { ParseResult } from '../cataloger.js';
import { normalizeLicenses } from '../internal/license/index.js';
import { objectPerson } from '../internal/person/index.js';
import type { PackageRecord } from '../types.js';
import { describeCause } from '../../errors/index.js';

/** One package entry, the same shape in installed.json and composer.lock (https://getcomposer.org/doc/04-schema.md). */
const packageEntry = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  license: z.union([z.string(), z.array(z.unknown())]).optional(),
  authors: z.unknown().optional(),
  require: z.unknown().optional(),
});

/**
 * `require: { "vendor/project": "^1.0", "php": ">=8.1", "ext-json": "*" }`: the packages it
 * needs. Platform requirements (`php`, `ext-*`, `lib-*`) are not packages and have no slash.
 */
function requiredPackages(require: unknown): string[][] {
  if (typeof require !== 'object' || require === null || Array.isArray(require)) return [];
  return Object.keys(require)
    .filter((name) => NAME.test(name))
    .map((name) => [name]);
}

/** The first of `authors: [{ name, email, homepage, role }]`; a malformed list gives none. */
function firstAuthor(authors: unknown): string | undefined {
  return Array.isArray(authors) ? objectPerson(authors[0]) : undefined;
}

/** `vendor/project`, both lower case letters, digits, `_`, `.`, `-` (composer's own name rule, loosened for case). */
const NAME =
  /^(?<vendor>[A-Za-z0-9](?:[A-Za-z0-9_.-]*))\/(?<project>[A-Za-z0-9](?:[A-Za-z0-9_.-]*))$/;

export interface ComposerOptions {
  readonly includeDev: boolean;
}

function toRecord(
  value: unknown,
  where: string,
  dev: boolean,
  warnings: string[],
): PackageRecord | undefined {
  const parsed = packageEntry.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    warnings.push(
      `${where} skipped: field "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`,
    );
    return undefined;
  }
  const match = NAME.exec(parsed.data.name);
  const vendor = match?.groups?.['vendor'];
  const project = match?.groups?.['project'];
  if (!vendor || !project) {
    warnings.push(
      `${where} skipped: name "${parsed.data.name.slice(0, 80)}" is not vendor/project`,
    );
    return undefined;
  }
  const raw = parsed.data.license;
  const licenses = normalizeLicenses(typeof raw === 'string' ? [raw] : (raw ?? []));
  const originator = firstAuthor(parsed.data.authors);
  const requires = requiredPackages(parsed.data.require);
  return {
    type: 'composer',
    namespace: vendor,
    name: project,
    version: parsed.data.version,
    ...(licenses ? { licenses } : {}),
    ...(originator ? { originator } : {}),
    ...(requires.length > 0 ? { requires } : {}),
    ...(dev ? { metadata: { dev: true } } : {}),
  };
}

function parseJson(text: string, what: string): { json?: unknown; warning?: string } {
  try {
    return { json: JSON.parse(text) };
  } catch (error) {
    return { warning: `${what} is not valid JSON: ${describeCause(error).split('\n')[0]}` };
  }
}

function collect(
  list: readonly unknown[],
  field: string,
  isDev: (name: unknown) => boolean,
  warnings: string[],
): PackageRecord[] {
  const out: PackageRecord[] = [];
  list.forEach((entry, index) => {
    const name =
      typeof entry === 'object' && entry !== null && 'name' in entry ? entry.name : undefined;
    const record = toRecord(entry, `${field}[${index}]`, isDev(name), warnings);
    if (record) out.push(record);
  });
  return out;
}

/**
 * `vendor/composer/installed.json`: what `composer install` put on disk. Composer 1 writes a
 * bare array, composer 2 `{packages: [...], dev, dev-package-names}`. Installed dev packages
 * are on disk, so they are reported, marked dev.
 */
export function parseInstalledJson(text: string): ParseResult {
  const { json, warning } = parseJson(text, 'installed.json');
  if (warning) return { warnings: [warning] };
  const warnings: string[] = [];
  let packages: unknown;
  let devNames = new Set<unknown>();
  if (Array.isArray(json)) packages = json;
  else if (typeof json === 'object' && json !== null && 'packages' in json) {
    packages = json.packages;
    const names = 'dev-package-names' in json ? json['dev-package-names'] : undefined;
    if (Array.isArray(names)) devNames = new Set<unknown>(names);
  }
  if (!Array.isArray(packages)) return { warnings: ['installed.json has no "packages" array'] };
  const records = collect(packages, 'packages', (name) => devNames.has(name), warnings);
  return { packages: records, ...(warnings.length > 0 ? { warnings } : {}) };
}

/** `composer.lock`: `packages` always, `packages-dev` only when dev packages are asked for. */
export function parseComposerLock(text: string, options: ComposerOptions): ParseResult {
  const { json, warning } = parseJson(text, 'composer.lock');
  if (warning) return { warnings: [warning] };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { warnings: ['composer.lock is not a JSON object'] };
  const warnings: string[] = [];
  const lock = json as Record<string, unknown>;
  const prod = lock['packages'];
  const dev = lock['packages-dev'];
  if (!Array.isArray(prod)) return { warnings: ['composer.lock has no "packages" array'] };
  const records = collect(prod, 'packages', () => false, warnings);
  if (options.includeDev && Array.isArray(dev))
    records.push(...collect(dev, 'packages-dev', () => true, warnings));
  return { packages: records, ...(warnings.length > 0 ? { warnings } : {}) };
}
