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
  return artifact ? { artifactId: artifact, version: match?.groups?.['version'] } : { artifactId: base, version: undefined };
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
  return candidates.map((c) => c?.trim()).find((c): c is string => c !== undefined && shape.test(c));
}

/** Coordinates from the manifest's main attributes (lower-case names), or undefined if incomplete. */
export function manifestCoordinates(attributes: ReadonlyMap<string, string>, fileName: FileNameParts): Coordinates | undefined {
  const get = (name: string): string | undefined => clean(attributes.get(name));
  const symbolicName = get('bundle-symbolicname');
  const groupId = first(
    [
      get('group-id'), // Jenkins plugins
      get('implementation-vendor-id'),
      withoutLastSegment(symbolicName),
      get('implementation-vendor'),
      get('specification-vendor'),
      withoutLastSegment(get('automatic-module-name')),
    ],
    GROUP_ID,
  );
  if (!groupId) return undefined;
  const artifactId = first(
    [
      symbolicName?.startsWith(`${groupId}.`) ? symbolicName.slice(groupId.length + 1) : undefined,
      get('short-name'), // Jenkins plugins
      get('implementation-title'),
      get('specification-title'),
      get('bundle-name'),
      fileName.version === undefined ? undefined : fileName.artifactId,
    ],
    ARTIFACT_ID,
  );
  const version = first([get('plugin-version'), get('implementation-version'), get('specification-version'), get('bundle-version'), fileName.version], VERSION);
  return artifactId && version ? { groupId, artifactId, version } : undefined;
}
