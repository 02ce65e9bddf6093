import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import type { Catalog, Location, OsInfo, Package, PackageType } from '../catalog/index.js';
import { SbomError } from './errors.js';
import { recordFromPurl } from './from-purl.js';
import { osFromComponent, sourceFromProperties, sourceFromSpdxInfo } from './tool-properties.js';

const propertySchema = z.object({ name: z.string(), value: z.string().optional() });
interface CdxComponent {
  type?: string | undefined;
  name?: string | undefined;
  version?: string | undefined;
  description?: string | undefined;
  purl?: string | undefined;
  properties?: { name: string; value?: string | undefined }[] | undefined;
  components?: CdxComponent[] | undefined;
}
const componentSchema: z.ZodType<CdxComponent> = z.lazy(() =>
  z.object({
    type: z.string().optional(),
    name: z.string().optional(),
    version: z.string().optional(),
    description: z.string().optional(),
    purl: z.string().optional(),
    properties: z.array(propertySchema).optional(),
    components: z.array(componentSchema).optional(),
  }),
);
const cyclonedxSchema = z.object({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.string(),
  metadata: z.object({ component: componentSchema.optional() }).optional(),
  components: z.array(componentSchema).optional(),
});
const spdxSchema = z.object({
  spdxVersion: z.string(),
  name: z.string().optional(),
  packages: z
    .array(
      z.object({
        name: z.string(),
        versionInfo: z.string().optional(),
        primaryPackagePurpose: z.string().optional(),
        sourceInfo: z.string().optional(),
        externalRefs: z
          .array(z.object({ referenceType: z.string(), referenceLocator: z.string() }))
          .optional(),
      }),
    )
    .optional(),
});

/** Location properties as Lockyard, Syft and Trivy write them. */
const PATH_PROPERTIES = [
  /^lockyard:location:path$/,
  /^syft:location:\d+:path$/,
  /^aquasecurity:trivy:FilePath$/,
];
const LAYER_PROPERTIES = [
  /^lockyard:location:layer-diff-id$/,
  /^syft:location:\d+:layerID$/,
  /^aquasecurity:trivy:LayerDiffID$/,
];

function osFromDistro(
  distro: string | undefined,
  namespace: string | undefined,
): OsInfo | undefined {
  if (!distro && !namespace) return undefined;
  const match = /^(?<id>[a-z][a-z0-9._]*?)-(?<version>\d[\w.]*)$/.exec(distro ?? '');
  const id = match?.groups?.['id'] ?? namespace ?? '';
  const versionId =
    match?.groups?.['version'] ?? (distro && /^\d/.test(distro) ? distro : undefined);
  return id
    ? {
        id,
        versionId,
        versionCodename: undefined,
        name: undefined,
        prettyName: undefined,
        idLike: [],
      }
    : undefined;
}

type Source = { name: string; version: string | undefined } | undefined;

function toPackage(
  purl: string,
  locations: Location[],
  index: number,
  source: Source,
): { pkg: Package; os: OsInfo | undefined } | undefined {
  const parsed = recordFromPurl(purl);
  if (!parsed) return undefined;
  const namespace = /^pkg:(?:deb|apk|rpm)\/(?<ns>[^/]+)\//.exec(purl)?.groups?.['ns'];
  const id = createHash('sha256').update(`${purl}\0${index}`).digest('hex').slice(0, 16);
  const isOs =
    parsed.record.type === 'deb' || parsed.record.type === 'apk' || parsed.record.type === 'rpm';
  // The tool's own source fields win over a purl's `upstream` (Trivy writes none; Syft both).
  const record =
    isOs && source
      ? {
          ...parsed.record,
          source: {
            name: source.name,
            version:
              source.version ??
              (parsed.record.source?.name === source.name
                ? parsed.record.source.version
                : undefined) ??
              parsed.record.version,
          },
        }
      : parsed.record;
  return {
    pkg: { ...record, id, purl, cataloger: 'sbom', locations },
    os:
      parsed.record.type === 'deb' || parsed.record.type === 'apk' || parsed.record.type === 'rpm'
        ? osFromDistro(parsed.distro, namespace)
        : undefined,
  };
}

function flatten(components: readonly CdxComponent[]): CdxComponent[] {
  return components.flatMap((c) => [c, ...flatten(c.components ?? [])]);
}

function locationsOf(component: CdxComponent): Location[] {
  const props = component.properties ?? [];
  const paths = props
    .filter((p) => PATH_PROPERTIES.some((re) => re.test(p.name)))
    .map((p) => p.value ?? '');
  const layers = props
    .filter((p) => LAYER_PROPERTIES.some((re) => re.test(p.name)))
    .map((p) => p.value);
  return paths.map((path, i) => ({
    path,
    layerDiffId: layers[i],
    layerDigest: undefined,
    layerIndex: -1,
  }));
}

function emptyCatalog(
  name: string,
  os: OsInfo | undefined,
  packages: Package[],
  warnings: string[],
): Catalog {
  return {
    schemaVersion: 1,
    image: {
      name,
      kind: 'rootfs',
      manifestDigest: undefined,
      configDigest: undefined,
      repoTags: [],
      platform: undefined,
      created: undefined,
      layers: [],
      config: { architecture: '', os: '', rootfs: { type: 'layers', diff_ids: [] } },
    },
    os,
    distroless: false,
    packages,
    findings: [],
    warnings,
  };
}

function fromCycloneDx(bom: z.infer<typeof cyclonedxSchema>, name: string): Catalog {
  const components = flatten(bom.components ?? []);
  const osComponent = components.find((c) => c.type === 'operating-system');
  let os: OsInfo | undefined = osComponent ? osFromComponent(osComponent) : undefined;
  const packages: Package[] = [];
  const warnings: string[] = [];
  components.forEach((component, index) => {
    if (!component.purl) return;
    const type = /^pkg:(?<type>[a-z]+)\//.exec(component.purl)?.groups?.['type'] ?? '';
    const converted = toPackage(
      component.purl,
      locationsOf(component),
      index,
      sourceFromProperties(type as PackageType, component.properties ?? []),
    );
    if (!converted) return;
    packages.push(converted.pkg);
    os ??= converted.os;
  });
  return emptyCatalog(bom.metadata?.component?.name ?? name, os, packages, warnings);
}

function fromSpdx(document: z.infer<typeof spdxSchema>, name: string): Catalog {
  let os: OsInfo | undefined;
  const packages: Package[] = [];
  (document.packages ?? []).forEach((entry, index) => {
    // The SPDX 2.3 JSON schema spells the purpose OPERATING_SYSTEM; the spec text and Trivy
    // write OPERATING-SYSTEM.
    if (/^OPERATING[-_]SYSTEM$/.test(entry.primaryPackagePurpose ?? '')) {
      os ??= osFromComponent({ name: entry.name, version: entry.versionInfo });
      return;
    }
    const purl = entry.externalRefs?.find(
      (ref) => ref.referenceType.toLowerCase() === 'purl',
    )?.referenceLocator;
    if (!purl) return;
    const converted = toPackage(purl, [], index, sourceFromSpdxInfo(entry.sourceInfo));
    if (!converted) return;
    packages.push(converted.pkg);
    os ??= converted.os;
  });
  return emptyCatalog(document.name ?? name, os, packages, []);
}

/** Reads a CycloneDX (1.2+) or SPDX 2.x JSON SBOM, ours or another tool's, as a catalog to match. */
export function parseSbom(text: string, name: string): Catalog {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SbomError('SBOM_INVALID', `${name}: not JSON (${(error as Error).message})`);
  }
  const cdx = cyclonedxSchema.safeParse(value);
  if (cdx.success) return fromCycloneDx(cdx.data, name);
  const spdx = spdxSchema.safeParse(value);
  if (spdx.success) return fromSpdx(spdx.data, name);
  const looksCdx = typeof value === 'object' && value !== null && 'bomFormat' in value;
  const issue = (looksCdx ? cdx.error : spdx.error).issues[0];
  throw new SbomError(
    'SBOM_UNSUPPORTED',
    `${name}: not a CycloneDX or SPDX JSON SBOM${issue ? ` (${issue.path.join('.') || '(root)'}: ${issue.message})` : ''}`,
  );
}

export async function readSbom(path: string): Promise<Catalog> {
  return parseSbom(await readFile(path, 'utf8'), path);
}

/** Whether a file looks like a JSON SBOM (cheap check on its first bytes, for target detection). */
export function looksLikeSbom(head: string): boolean {
  const trimmed = head.trimStart();
  return (
    trimmed.startsWith('{') &&
    (/"bomFormat"\s*:\s*"CycloneDX"/.test(head) || /"spdxVersion"\s*:/.test(head))
  );
}
