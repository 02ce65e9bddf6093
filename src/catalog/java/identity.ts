/**
 * Maven coordinates of an archive without its own pom.properties, from MANIFEST.MF and the file
 * name. The field order follows Trivy (jar parser `determineGroupID/ArtifactID/Version`), with
 * Syft's filter that a group id must look like one (a dotted Java package-like name, never a
 * vendor's display name such as "The Apache Software Foundation"), because a maven purl with a
 * made-up namespace matches nothing and misleads.
 */

export interface Coordinates {
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
}

export interface FileNameParts {
  readonly artifactId: string;
  readonly version: string | undefined;
}

const GROUP_ID = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+$/;
const ARTIFACT_ID = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
const VERSION = /^[0-9A-Za-z][^\s]*$/;

/** `commons-compress-1.19.jar` -> artifact `commons-compress`, version `1.19` (first `-<digit>` splits). */
export function parseArchiveFileName(path: string): FileNameParts {
  const file = path.slice(path.lastIndexOf('/') + 1);
  const base = file.includes('.') ? file.slice(0, file.lastIndexOf('.')) : file;
  const match = /^(?<artifact>.+?)-(?<version>\d\S*)$/.exec(base);
  const artifact = match?.groups?.['artifact'];
  return artifact
    ? { artifactId: artifact, version: match?.groups?.['version'] }
    : { artifactId: base, version: undefined };
}

/** OSGi headers carry directives after `;` (`org.foo;singleton:=true`). */
function clean(value: string | undefined): string | undefined {
  const cleaned = value?.split(';')[0]?.trim();
  return cleaned === '' ? undefined : cleaned;
}

function withoutLastSegment(value: string | undefined): string | undefined {
  if (!value?.includes('.')) return undefined;
  return value.slice(0, value.lastIndexOf('.'));
}

function first(candidates: readonly (string | undefined)[], shape: RegExp): string | undefined {
  return candidates
    .map((c) => c?.trim())
    .find((c): c is string => c !== undefined && shape.test(c));
}

/**
 * Splits a Bundle-SymbolicName into group and artifact using a name the manifest or file gives
 * for the artifact, by inverting maven-bundle-plugin's default (groupId + "." + artifactId, with
 * the group's last segment not repeated: org.apache.commons:commons-lang3 ->
 * org.apache.commons.lang3). Undefined when no name relates to the symbolic name.
 */
function splitSymbolicName(
  symbolicName: string,
  names: readonly string[],
): { groupId: string; artifactId: string } | undefined {
  const lower = symbolicName.toLowerCase();
  for (const name of names) {
    const artifact = name.toLowerCase();
    if (lower.endsWith(`.${artifact}`)) {
      const groupId = symbolicName.slice(0, symbolicName.length - artifact.length - 1);
      if (GROUP_ID.test(groupId))
        return { groupId, artifactId: symbolicName.slice(groupId.length + 1) };
    }
    const dash = artifact.indexOf('-');
    if (dash > 0 && lower.endsWith(`.${artifact.slice(0, dash)}.${artifact.slice(dash + 1)}`)) {
      const groupId = symbolicName.slice(0, symbolicName.length - (artifact.length - dash));
      if (GROUP_ID.test(groupId)) return { groupId, artifactId: name };
    }
  }
  return undefined;
}

/** Coordinates from the manifest's main attributes (lower-case names), or undefined if incomplete. */
export function manifestCoordinates(
  attributes: ReadonlyMap<string, string>,
  fileName: FileNameParts,
): Coordinates | undefined {
  const get = (name: string): string | undefined => clean(attributes.get(name));
  const symbolicName = get('bundle-symbolicname');
  const names = [
    get('short-name'), // Jenkins plugins
    get('implementation-title'),
    get('specification-title'),
    get('bundle-name'),
    fileName.version === undefined ? undefined : fileName.artifactId,
  ].filter((name): name is string => name !== undefined && ARTIFACT_ID.test(name));
  const declaredGroup = first([get('group-id'), get('implementation-vendor-id')], GROUP_ID);
  const split =
    symbolicName && GROUP_ID.test(symbolicName)
      ? splitSymbolicName(symbolicName, names)
      : undefined;
  const groupId =
    declaredGroup ??
    split?.groupId ??
    first(
      [
        withoutLastSegment(symbolicName),
        get('implementation-vendor'),
        get('specification-vendor'),
        withoutLastSegment(get('automatic-module-name')),
      ],
      GROUP_ID,
    );
  if (!groupId) return undefined;
  const artifactId =
    (split && split.groupId === groupId ? split.artifactId : undefined) ??
    // Trivy's order (titles, then Bundle-Name); the symbolic name's tail only as the last resort.
    first(
      [
        ...names,
        symbolicName?.startsWith(`${groupId}.`)
          ? symbolicName.slice(groupId.length + 1)
          : undefined,
      ],
      ARTIFACT_ID,
    );
  const version = first(
    [
      get('plugin-version'),
      get('implementation-version'),
      get('specification-version'),
      get('bundle-version'),
      fileName.version,
    ],
    VERSION,
  );
  return artifactId && version ? { groupId, artifactId, version } : undefined;
}

/**
 * True when a manifest-derived identity names the artifact a pom.properties of the same archive
 * already names (then the pom.properties wins): same artifactId, or a symbolic name built from
 * that pom's group and artifact (maven-bundle-plugin may shorten it).
 */
export function sameArtifact(
  pom: Coordinates,
  derived: Coordinates,
  symbolicName: string | undefined,
): boolean {
  if (pom.artifactId.toLowerCase() === derived.artifactId.toLowerCase()) return true;
  const bsn = clean(symbolicName)?.toLowerCase();
  const full = `${pom.groupId}.${pom.artifactId}`.toLowerCase();
  if (
    !bsn ||
    bsn.length <= pom.groupId.length + 1 ||
    !bsn.startsWith(`${pom.groupId.toLowerCase()}.`)
  )
    return false;
  return full.startsWith(bsn) || bsn.startsWith(full);
}
