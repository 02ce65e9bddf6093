import * as z from 'zod';
import type { ParseResult } from '../cataloger.js';
import { normalizeLicenses } from '../internal/license/index.js';
import { npmPerson } from '../internal/person/index.js';
import { isNpmName, npmRecord } from './record.js';
import { describeCause } from '../../errors/index.js';

/** The legacy object forms: `"license": {"type": "MIT"}` and `"licenses": [{"type": "MIT"}]`. */
const licenseValue = z.union([
  z.string(),
  z.object({ type: z.string() }).transform((value) => value.type),
]);

const manifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  license: z.unknown().optional(),
  licenses: z.unknown().optional(),
  private: z.unknown().optional(),
  author: z.unknown().optional(),
  dependencies: z.unknown().optional(),
  optionalDependencies: z.unknown().optional(),
  peerDependencies: z.unknown().optional(),
});

/**
 * What an installed package needs: the names in `dependencies`, `optionalDependencies` and
 * `peerDependencies` (npm 7+ installs peers), each met by whatever Node's lookup finds (an
 * optional one may be absent). A field that is not an object is ignored.
 */
function requiredNames(...fields: unknown[]): string[][] {
  const names = new Set<string>();
  for (const field of fields) {
    if (typeof field !== 'object' || field === null || Array.isArray(field)) continue;
    for (const name of Object.keys(field)) if (isNpmName(name)) names.add(name);
  }
  return [...names].map((name) => [name]);
}

function declaredLicenses(license: unknown, licenses: unknown): string[] | undefined {
  const raws: string[] = [];
  const list: readonly unknown[] = Array.isArray(licenses) ? licenses : [licenses];
  for (const value of [license, ...list]) {
    const parsed = licenseValue.safeParse(value);
    if (parsed.success) raws.push(parsed.data);
  }
  return normalizeLicenses(raws);
}

/**
 * An installed package's `package.json` (https://docs.npmjs.com/cli/configuring-npm/package-json):
 * the package as it sits on disk, so it is reported whether it was a dev dependency or not.
 */
export function parseInstalledPackageJson(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { warnings: [`package.json is not valid JSON: ${describeCause(error).split('\n')[0]}`] };
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || '(root)';
    return { warnings: [`package.json skipped: field "${field}": ${issue?.message ?? 'invalid'}`] };
  }
  const manifest = parsed.data;
  if (!isNpmName(manifest.name))
    return { warnings: [`package.json skipped: field "name" is not a package name`] };
  const requires = requiredNames(
    manifest.dependencies,
    manifest.optionalDependencies,
    manifest.peerDependencies,
  );
  return {
    packages: [
      npmRecord({
        requires,
        name: manifest.name,
        version: manifest.version.trim(),
        licenses: declaredLicenses(manifest.license, manifest.licenses),
        originator: npmPerson(manifest.author),
        metadata: manifest.private === true ? { private: true } : undefined,
      }),
    ],
  };
}
