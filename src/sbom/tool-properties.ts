import type { OsInfo, PackageRecord } from '../catalog/index.js';

/** A CycloneDX property list, as CycloneDX and the tools write it (`value` may be missing). */
export type Properties = readonly { readonly name: string; readonly value?: string | undefined }[];

function property(properties: Properties, name: string): string | undefined {
  const value = properties.find((p) => p.name === name)?.value?.trim();
  return value ? value : undefined;
}

/**
 * The source package of an OS package, from the properties other tools write next to the purl.
 * Trivy splits it into `aquasecurity:trivy:SrcName`, `SrcVersion` (the upstream part),
 * `SrcRelease` (the Debian revision or rpm release) and `SrcEpoch`, and writes no `upstream`
 * qualifier; Syft writes `syft:metadata:source` / `syft:metadata:sourceVersion` besides its
 * `upstream=` qualifier. The result is spelled as our catalogers read it from the package database
 * (dpkg: `[epoch:]version-revision`; apk: the full version; rpm: `version-release`, epoch apart).
 */
export function sourceFromProperties(
  type: PackageRecord['type'],
  properties: Properties,
): { name: string; version: string | undefined } | undefined {
  const trivyName = property(properties, 'aquasecurity:trivy:SrcName');
  if (trivyName) {
    const upstream = property(properties, 'aquasecurity:trivy:SrcVersion');
    const release = property(properties, 'aquasecurity:trivy:SrcRelease');
    const epoch = property(properties, 'aquasecurity:trivy:SrcEpoch');
    if (!upstream) return { name: trivyName, version: undefined };
    const versionRelease = release ? `${upstream}-${release}` : upstream;
    const withEpoch =
      type === 'deb' && epoch && epoch !== '0' ? `${epoch}:${versionRelease}` : versionRelease;
    return { name: trivyName, version: withEpoch };
  }
  const syftName = property(properties, 'syft:metadata:source');
  if (syftName) {
    return { name: syftName, version: property(properties, 'syft:metadata:sourceVersion') };
  }
  return undefined;
}

/**
 * Trivy's SPDX `sourceInfo` for an OS package: `built package from: NAME VERSION` (the version as
 * Trivy formats it, epoch included). Syft's `sourceInfo` says where it read the package, not what it
 * was built from, and does not match.
 */
export function sourceFromSpdxInfo(
  sourceInfo: string | undefined,
): { name: string; version: string | undefined } | undefined {
  const match = /^built package from:\s*(?<name>\S+)(?:\s+(?<version>\S+))?\s*$/.exec(
    sourceInfo ?? '',
  );
  const name = match?.groups?.['name'];
  return name ? { name, version: match.groups?.['version'] } : undefined;
}

// Trivy's OS family names where they differ from the os-release ID our matcher keys on.
const TRIVY_FAMILIES: Readonly<Record<string, string>> = {
  alma: 'almalinux',
  amazon: 'amzn',
  oracle: 'ol',
  redhat: 'rhel',
  'opensuse.leap': 'opensuse-leap',
  'opensuse.tumbleweed': 'opensuse-tumbleweed',
  'suse linux enterprise server': 'sles',
  'cbl-mariner': 'mariner',
};

/**
 * The OS of a CycloneDX `operating-system` component. Syft names it by the os-release ID and adds
 * `syft:distro:*` properties (id, versionID, versionCodename, prettyName); Trivy names it by its own
 * OS family (`debian`, `alpine`, `ubuntu`, `redhat`) with the full release as version (`12.4`,
 * `3.10.4`); Lockyard writes the ID and VERSION_ID.
 */
export function osFromComponent(component: {
  name?: string | undefined;
  version?: string | undefined;
  description?: string | undefined;
  properties?: Properties | undefined;
}): OsInfo | undefined {
  const properties = component.properties ?? [];
  const named = (property(properties, 'syft:distro:id') ?? component.name)?.toLowerCase();
  if (!named) return undefined;
  const id = TRIVY_FAMILIES[named] ?? named;
  const prettyName = property(properties, 'syft:distro:prettyName') ?? component.description;
  return {
    id,
    versionId: property(properties, 'syft:distro:versionID') ?? component.version,
    versionCodename: property(properties, 'syft:distro:versionCodename'),
    name: component.name,
    prettyName,
    idLike: (property(properties, 'syft:distro:idLike') ?? '').split(/[\s,]+/).filter(Boolean),
  };
}
