import { purlLibrary } from './purl-library.js';
import { OS_PACKAGE_TYPES, type OsInfo, type PackageRecord } from './types.js';

/** The `distro` qualifier value: `<id>-<version_id>` (as syft writes it). */
export function distroQualifier(os: OsInfo | undefined): string | undefined {
  if (!os) return undefined;
  return os.versionId ? `${os.id}-${os.versionId}` : os.id;
}

/**
 * Builds a package's purl with the official library. OS packages get the distro as namespace and
 * `arch`, `distro`, `epoch` (rpm) and `upstream` (source package) qualifiers.
 */
export function purlFor(record: PackageRecord, os: OsInfo | undefined): string {
  const qualifiers: Record<string, string> = { ...record.qualifiers };
  let namespace = record.namespace;
  if (OS_PACKAGE_TYPES.has(record.type)) {
    // Red Hat publishes its rpm purls under `redhat`, not the os-release id `rhel`.
    const vendor = os?.id === 'rhel' ? 'redhat' : os?.id;
    namespace ??= vendor ?? (record.type === 'apk' ? 'alpine' : undefined);
    if (record.arch) qualifiers['arch'] = record.arch;
    const distro = distroQualifier(os);
    if (distro) qualifiers['distro'] = distro;
    if (record.type === 'rpm' && record.epoch) qualifiers['epoch'] = String(record.epoch);
    if (record.source && record.source.name !== record.name)
      qualifiers['upstream'] = record.source.name;
  }
  const hasQualifiers = Object.keys(qualifiers).length > 0;
  const { PackageURL } = purlLibrary();
  return new PackageURL(
    record.type,
    namespace ?? undefined,
    record.name,
    record.version || undefined,
    hasQualifiers ? qualifiers : undefined,
    undefined,
  ).toString();
}
