import type { PackageRecord } from '../../types.js';
import type { RpmHeader } from './parse-header.js';
import { parseSourceRpm } from './source-rpm.js';
import { rpmLicense } from './license.js';
import { Tag } from './tags.js';

/** rpm writes `(none)` for unset string tags in some query paths; never a real value. */
const NONE = '(none)';

/** Imported signing keys live in the rpmdb as packages named `gpg-pubkey`; they install nothing. */
export const GPG_PUBKEY = 'gpg-pubkey';

export type HeaderPackage =
  | {
      readonly record: PackageRecord;
      readonly skipped?: undefined;
      readonly warnings: readonly string[];
    }
  | { readonly record?: undefined; readonly skipped: string; readonly warnings: readonly string[] };

function clean(value: string | undefined): string | undefined {
  return value === undefined || value === '' || value === NONE ? undefined : value;
}

/**
 * The file list: rpm >= 4.0 stores BASENAMES with a DIRINDEXES entry per file into DIRNAMES;
 * older packages (and some converted databases) keep absolute OLDFILENAMES instead.
 */
export function fileList(header: RpmHeader, warnings: string[]): string[] | undefined {
  const baseNames = header.strings(Tag.baseNames);
  if (baseNames) {
    const dirIndexes = header.numbers(Tag.dirIndexes) ?? [];
    const dirNames = header.strings(Tag.dirNames) ?? [];
    if (dirIndexes.length !== baseNames.length) {
      warnings.push(
        `${baseNames.length} base names but ${dirIndexes.length} directory indexes; file list dropped`,
      );
      return undefined;
    }
    const files: string[] = [];
    let bad = 0;
    for (let i = 0; i < baseNames.length; i += 1) {
      const dir = dirNames[dirIndexes[i] ?? -1];
      if (dir === undefined) bad += 1;
      else files.push(dir + (baseNames[i] ?? ''));
    }
    if (bad > 0)
      warnings.push(`${bad} files point past the ${dirNames.length} directory names; skipped`);
    return files;
  }
  return header.strings(Tag.oldFilenames);
}

/**
 * A REQUIRENAME entry as the alternatives that meet it: a plain capability (`libc.so.6()(64bit)`,
 * `/bin/sh`, `bash`), or a rich dependency of `or`s (`(sqlite-libs or sqlite)`, rpm >= 4.13).
 * rpm's own `rpmlib(...)` features and other rich forms (`(a if b)`) give none.
 */
function requirement(name: string): string[] | undefined {
  if (name.startsWith('rpmlib(')) return undefined;
  if (!name.startsWith('(')) return [name];
  const inner = name.slice(1, -1).trim();
  if (!name.endsWith(')') || /[()]/u.test(inner)) return undefined;
  const words = inner.split(/\s+/u);
  const alternatives = words.filter((_, index) => index % 2 === 0);
  const operators = words.filter((_, index) => index % 2 === 1);
  return operators.every((word) => word === 'or') ? alternatives : undefined;
}

/** REQUIRENAME and PROVIDENAME, without the package's own name among what it provides. */
function relations(header: RpmHeader, name: string): Pick<PackageRecord, 'requires' | 'provides'> {
  const requires = [...new Set(header.strings(Tag.requireName) ?? [])]
    .map(requirement)
    .filter((alternatives) => alternatives !== undefined);
  const provides = [...new Set(header.strings(Tag.provideName) ?? [])].filter((p) => p !== name);
  return {
    ...(requires.length > 0 ? { requires } : {}),
    ...(provides.length > 0 ? { provides } : {}),
  };
}

/** Turns one installed package's header into a package record (or says why it is skipped). */
export function headerToPackage(header: RpmHeader): HeaderPackage {
  const warnings: string[] = [];
  const name = clean(header.string(Tag.name));
  const version = clean(header.string(Tag.version));
  const release = clean(header.string(Tag.release));
  if (!name) return { skipped: 'header has no NAME', warnings: header.problems };
  if (name === GPG_PUBKEY) return { skipped: GPG_PUBKEY, warnings: [] };
  if (!version) return { skipped: `${name}: header has no VERSION`, warnings: header.problems };
  const epoch = header.number(Tag.epoch);
  const arch = clean(header.string(Tag.arch));
  const sourceRpm = clean(header.string(Tag.sourceRpm));
  const source = sourceRpm ? parseSourceRpm(sourceRpm) : undefined;
  if (sourceRpm && !source) warnings.push(`SOURCERPM "${sourceRpm}" is not a source rpm file name`);
  const license = clean(header.string(Tag.license));
  const vendor = clean(header.string(Tag.vendor));
  const modularityLabel = clean(header.string(Tag.modularityLabel));
  const size = header.number(Tag.longSize) ?? header.number(Tag.size);
  const files = fileList(header, warnings);
  const metadata: Record<string, string | number> = {};
  if (sourceRpm) metadata['sourceRpm'] = sourceRpm;
  if (modularityLabel) metadata['modularityLabel'] = modularityLabel;
  if (size !== undefined) metadata['installedSize'] = size;
  const record: PackageRecord = {
    type: 'rpm',
    name,
    version: release ? `${version}-${release}` : version,
    ...(arch ? { arch } : {}),
    ...(epoch ? { epoch } : {}),
    ...(source ? { source } : {}),
    ...(vendor ? { supplier: vendor } : {}),
    ...(license ? { licenses: [rpmLicense(license)] } : {}),
    ...relations(header, name),
    ...(files && files.length > 0 ? { files } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
  return {
    record,
    warnings: [...warnings, ...header.problems].map((warning) => `${name}: ${warning}`),
  };
}
