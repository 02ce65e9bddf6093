import { createHash } from 'node:crypto';
import type { Catalog, Package } from '../../../catalog/index.js';
import type { RenderContext } from '../../sbom-format.js';
import { originatorOf, spdxParty, supplierOf } from '../../supplier.js';
import { declaredLicense, type ExtractedLicense } from './licenses.js';

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: string;
  filesAnalyzed: boolean;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  primaryPackagePurpose: string;
  supplier?: string;
  originator?: string;
  sourceInfo?: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  annotations?: {
    annotationDate: string;
    annotationType: string;
    annotator: string;
    comment: string;
  }[];
}

function spdxId(kind: string, value: string): string {
  return `SPDXRef-${kind}-${value.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
}

function packageEntry(
  pkg: Package,
  extracted: Map<string, ExtractedLicense>,
  context: RenderContext,
): SpdxPackage {
  const locations = pkg.locations
    .map((l) => `${l.path}${l.layerDiffId ? ` (layer ${l.layerDiffId})` : ''}`)
    .join(', ');
  const supplier = supplierOf(pkg);
  const originator = originatorOf(pkg);
  return {
    SPDXID: spdxId('Package', `${pkg.type}-${pkg.name}-${pkg.id}`),
    name: pkg.name,
    ...(pkg.version ? { versionInfo: pkg.version } : {}),
    ...(supplier ? { supplier: spdxParty(supplier) } : {}),
    ...(originator ? { originator: spdxParty(originator) } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: declaredLicense(pkg.licenses, extracted),
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose:
      pkg.type === 'deb' || pkg.type === 'rpm' || pkg.type === 'apk' ? 'INSTALL' : 'LIBRARY',
    ...(locations
      ? { sourceInfo: `acquired package info from ${pkg.cataloger}: ${locations}` }
      : {}),
    externalRefs: [
      { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl },
    ],
    annotations: [
      {
        annotationDate: context.now.toISOString().replace(/\.\d+Z$/, 'Z'),
        annotationType: 'OTHER',
        annotator: `Tool: ${context.toolName}-${context.toolVersion}`,
        comment: JSON.stringify({
          type: pkg.type,
          source: pkg.source,
          locations: pkg.locations,
          ownedBy: pkg.ownedBy,
        }),
      },
    ],
  };
}

/** Builds an SPDX 2.3 document: the image package CONTAINS an OS package and every package. */
export function buildSpdxDocument(
  catalog: Catalog,
  context: RenderContext,
): Record<string, unknown> {
  const created = context.now.toISOString().replace(/\.\d+Z$/, 'Z');
  const imageDigest = catalog.image.manifestDigest ?? catalog.image.configDigest;
  const unique = createHash('sha256')
    .update(`${catalog.image.name}\0${imageDigest ?? ''}\0${created}`)
    .digest('hex')
    .slice(0, 32);
  const slug = catalog.image.name.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+/, '');
  const extracted = new Map<string, ExtractedLicense>();
  const imageId = 'SPDXRef-Image';
  const packages: SpdxPackage[] = [
    {
      SPDXID: imageId,
      name: catalog.image.name,
      ...(imageDigest ? { versionInfo: imageDigest } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'CONTAINER',
    },
  ];
  const relationships: {
    spdxElementId: string;
    relationshipType: string;
    relatedSpdxElement: string;
  }[] = [
    {
      spdxElementId: 'SPDXRef-DOCUMENT',
      relationshipType: 'DESCRIBES',
      relatedSpdxElement: imageId,
    },
  ];
  if (catalog.os) {
    const osId = spdxId('OperatingSystem', `${catalog.os.id}-${catalog.os.versionId ?? ''}`);
    packages.push({
      SPDXID: osId,
      name: catalog.os.id,
      ...(catalog.os.versionId ? { versionInfo: catalog.os.versionId } : {}),
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
    relationships.push({
      spdxElementId: imageId,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: osId,
    });
  }
  const ids = new Map<string, string>();
  for (const pkg of catalog.packages) {
    const entry = packageEntry(pkg, extracted, context);
    ids.set(pkg.id, entry.SPDXID);
    packages.push(entry);
    relationships.push({
      spdxElementId: imageId,
      relationshipType: 'CONTAINS',
      relatedSpdxElement: entry.SPDXID,
    });
  }
  for (const pkg of catalog.packages) {
    const from = ids.get(pkg.id);
    for (const id of pkg.dependsOn ?? []) {
      const to = ids.get(id);
      if (from && to)
        relationships.push({
          spdxElementId: from,
          relationshipType: 'DEPENDS_ON',
          relatedSpdxElement: to,
        });
    }
  }
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: catalog.image.name,
    documentNamespace: `https://lockyard.dev/spdx/${slug || 'image'}-${unique}`,
    creationInfo: {
      created,
      creators: [`Tool: ${context.toolName}-${context.toolVersion}`, 'Organization: Lockyard'],
    },
    documentDescribes: [imageId],
    packages,
    relationships,
    ...(extracted.size > 0 ? { hasExtractedLicensingInfos: [...extracted.values()] } : {}),
  };
}
