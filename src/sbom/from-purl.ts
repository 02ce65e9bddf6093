import type { PackageURL } from 'packageurl-js';
import { purlLibrary, type PackageRecord, type PackageType } from '../catalog/index.js';

const TYPES = new Set<PackageType>([
  'deb',
  'apk',
  'rpm',
  'npm',
  'pypi',
  'golang',
  'maven',
  'gem',
  'cargo',
  'nuget',
  'composer',
]);

/** What a purl says about a package, or undefined for purl types Lockyard does not match. */
export function recordFromPurl(
  purl: string,
): { record: PackageRecord; distro: string | undefined } | undefined {
  let parsed: PackageURL;
  try {
    parsed = purlLibrary().PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
  const type = parsed.type as PackageType;
  if (!TYPES.has(type) || !parsed.version) return undefined;
  const qualifiers = (parsed.qualifiers ?? {}) as Record<string, string>;
  const upstream = qualifiers['upstream'];
  const epochText =
    qualifiers['epoch'] ??
    (type === 'deb' ? /^(?<epoch>\d+):/.exec(parsed.version)?.groups?.['epoch'] : undefined);
  const epoch = epochText ? Number(epochText) : undefined;
  const isOs = type === 'deb' || type === 'apk' || type === 'rpm';
  // A deb's version is dpkg's `[epoch:]upstream-revision`, as the dpkg cataloger reads it from the
  // status file; Trivy moves the epoch into an `epoch` qualifier, Syft keeps it in the version.
  const version =
    type === 'deb' && epoch && Number.isFinite(epoch) && !parsed.version.includes(':')
      ? `${epoch}:${parsed.version}`
      : parsed.version;
  // `upstream` may be `name` or `name@version` (Syft writes the source version there for debs).
  const [sourceName, sourceVersion] = upstream ? upstream.split('@') : [];
  const record: PackageRecord = {
    type,
    name: parsed.name,
    version,
    ...(parsed.namespace && !isOs ? { namespace: parsed.namespace } : {}),
    ...(qualifiers['arch'] ? { arch: qualifiers['arch'] } : {}),
    ...(epoch !== undefined && Number.isFinite(epoch) ? { epoch } : {}),
    // As the dpkg and apk catalogers do: a package with no named source is its own source.
    ...(isOs && sourceName
      ? { source: { name: sourceName, version: sourceVersion ?? version } }
      : type === 'deb' || type === 'apk'
        ? { source: { name: parsed.name, version } }
        : {}),
  };
  return { record, distro: qualifiers['distro'] };
}
