import { normalizeLicenses, spdxExpression } from '../internal/license/index.js';
import type { PackageRecord } from '../types.js';

/** Words that make a licence field prose or an expression, never a list of licence names. */
const NOT_A_LIST = /^(?:and|or|with|later|only|version|any|see|the|of|\+)$/iu;
const LICENSE_NAME = /^[A-Za-z0-9][A-Za-z0-9.+_-]*$/u;

/**
 * The licences of an `L:` field. Current Alpine writes one SPDX expression (`MIT AND BSD-3-Clause`),
 * kept whole; older databases list names separated by spaces (`MIT BSD GPL2+`,
 * `MPL-2.0 GPL-2.0-or-later`), which is not a valid expression: those become one licence each,
 * as Trivy and Syft read them. Anything else (prose, a broken expression) is kept as written.
 */
export function apkLicenses(field: string): string[] | undefined {
  const text = field.trim();
  const names = text.split(/\s+/u);
  const isList =
    names.length > 1 &&
    names.every((name) => LICENSE_NAME.test(name) && !NOT_A_LIST.test(name)) &&
    spdxExpression(text) === undefined;
  return normalizeLicenses(isList ? names : [text]);
}

/** A dependency or provided name without its version constraint (`so:libc.musl-x86_64.so.1`, `busybox>=1.30`). */
function apkName(token: string): string {
  const at = token.search(/[<>=~]/u);
  return at === -1 ? token : token.slice(0, at);
}

/** `D:` (what the package needs; `!name` is a conflict, not a need) and `p:` (what it provides). */
function apkRelations(entry: Entry): Pick<PackageRecord, 'requires' | 'provides'> {
  const split = (value: string | undefined): string[] =>
    (value ?? '').split(/\s+/u).filter((token) => token !== '');
  const requires = split(entry.fields.get('D'))
    .filter((token) => !token.startsWith('!'))
    .map((token) => [apkName(token)]);
  const provides = split(entry.fields.get('p')).map(apkName);
  return {
    ...(requires.length > 0 ? { requires } : {}),
    ...(provides.length > 0 ? { provides } : {}),
  };
}

/** One package's fields as apk writes them; `F`/`R` lines are folded into `files`. */
interface Entry {
  readonly line: number;
  readonly fields: Map<string, string>;
  readonly files: string[];
}

export interface ParsedInstalled {
  readonly packages: readonly PackageRecord[];
  readonly warnings: readonly string[];
}

function toRecord(entry: Entry): PackageRecord | string {
  const name = entry.fields.get('P');
  const version = entry.fields.get('V');
  if (!name) return `entry at line ${entry.line}: no package name (P:)`;
  if (!version) return `entry at line ${entry.line} (${name}): no version (V:)`;
  const arch = entry.fields.get('A');
  const origin = entry.fields.get('o');
  const licenses = apkLicenses(entry.fields.get('L') ?? '');
  const metadata: Record<string, string | number> = {};
  const maintainer = entry.fields.get('m');
  const commit = entry.fields.get('c');
  const buildTime = Number(entry.fields.get('t'));
  const url = entry.fields.get('U');
  if (commit) metadata['commit'] = commit;
  if (Number.isSafeInteger(buildTime) && buildTime > 0) metadata['buildTime'] = buildTime;
  if (url) metadata['url'] = url;
  return {
    type: 'apk',
    name,
    version,
    ...(arch ? { arch } : {}),
    // The origin is the aport the package was built from, at the same version.
    source: { name: origin || name, version },
    ...(maintainer ? { supplier: maintainer } : {}),
    ...(licenses ? { licenses } : {}),
    ...apkRelations(entry),
    ...(entry.files.length > 0 ? { files: entry.files } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/**
 * Parses apk's installed database (`lib/apk/db/installed`): one `X:value` line per field, a blank
 * line between packages. `F:` opens a directory and each following `R:` is a file in it (their
 * `a:`/`M:`/`Z:` attribute lines are skipped). Lines that are not `X:value` are counted and
 * reported; an entry without `P:` or `V:` is reported and skipped.
 */
export function parseInstalled(text: string): ParsedInstalled {
  const packages: PackageRecord[] = [];
  const warnings: string[] = [];
  let entry: Entry | undefined;
  let dir = '';
  let badLines = 0;
  const finish = (): void => {
    if (entry) {
      const record = toRecord(entry);
      if (typeof record === 'string') warnings.push(record);
      else packages.push(record);
    }
    entry = undefined;
    dir = '';
  };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') {
      finish();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') {
      badLines += 1;
      continue;
    }
    entry ??= { line: index + 1, fields: new Map(), files: [] };
    const key = line[0] ?? '';
    const value = line.slice(2);
    if (key === 'F') dir = value;
    else if (key === 'R') entry.files.push(dir === '' ? `/${value}` : `/${dir}/${value}`);
    else if (!entry.fields.has(key)) entry.fields.set(key, value);
  }
  finish();
  if (badLines > 0) warnings.push(`${badLines} lines were not "X:value" lines and were skipped`);
  return { packages, warnings };
}
