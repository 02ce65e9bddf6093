import type { PackageRecord } from '../../types.js';
import { parseSourceRpm } from '../header/source-rpm.js';

/**
 * CBL-Mariner / Azure Linux distroless images ship no rpmdb, only
 * `var/lib/rpmmanifest/container-manifest-2`: one tab-separated line per package with name,
 * version-release, install time, build time, vendor, epoch (`(none)` when unset), size, arch,
 * the epoch again as a number, and the source rpm file name.
 */
const COLUMNS = 10;
const NONE = '(none)';

export function parseManifest(text: string): { packages: PackageRecord[]; warnings: string[] } {
  const packages: PackageRecord[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    const columns = line.split('\t');
    const [name, versionRelease, , , vendor, epochText, size, arch, , sourceRpm] = columns;
    if (columns.length !== COLUMNS || !name || !versionRelease) {
      warnings.push(
        `line ${index + 1}: expected ${COLUMNS} tab-separated columns with a name and version`,
      );
      continue;
    }
    if (name === 'gpg-pubkey') continue;
    const epoch = epochText === NONE ? 0 : Number(epochText);
    const source = sourceRpm && sourceRpm !== NONE ? parseSourceRpm(sourceRpm) : undefined;
    const installedSize = Number(size);
    const metadata: Record<string, string | number> = {};
    if (sourceRpm && sourceRpm !== NONE) metadata['sourceRpm'] = sourceRpm;
    if (Number.isSafeInteger(installedSize)) metadata['installedSize'] = installedSize;
    packages.push({
      type: 'rpm',
      name,
      version: versionRelease,
      ...(arch && arch !== NONE ? { arch } : {}),
      ...(Number.isSafeInteger(epoch) && epoch > 0 ? { epoch } : {}),
      ...(source ? { source } : {}),
      ...(vendor && vendor !== NONE ? { supplier: vendor } : {}),
      ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
    });
  }
  return { packages, warnings };
}
