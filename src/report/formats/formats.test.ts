import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../catalog/index.js';
import { catalogImageDir, repoRoot, sharedFixture } from '../../testing/index.js';
import { sbomFormats } from '../api.js';
import { licensesFromCopyright } from '../../catalog/dpkg/copyright.js';

const context = {
  toolName: 'lockyard',
  toolVersion: '0.0.0-test',
  now: new Date('2026-01-02T03:04:05Z'),
};
let catalog: Catalog;

beforeAll(async () => {
  // A real image: Alpine 3.10.4 as `docker save` wrote it (Trivy's test data).
  catalog = await catalogImageDir(sharedFixture('pkgdb', 'images', 'trivy', 'alpine-310.tar.gz'));
});

function render(id: string): string {
  const render = sbomFormats.get(id)?.renderSbom;
  if (!render) throw new Error(`no SBOM format ${id}`);
  return render(catalog, context);
}

describe('CycloneDX 1.6', () => {
  it('validates against the official schema (the CycloneDX library validator)', async () => {
    const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
    const error: unknown = await validator.validate(render('cyclonedx'));
    expect(error).toBeNull();
  });

  it('has a serial number of its own, a UUID URN (same clock, same number)', () => {
    const serial = (JSON.parse(render('cyclonedx')) as { serialNumber?: string }).serialNumber;
    expect(serial).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u,
    );
    expect((JSON.parse(render('cyclonedx')) as { serialNumber?: string }).serialNumber).toBe(
      serial,
    );
    const later = sbomFormats.get('cyclonedx')?.renderSbom?.(catalog, {
      ...context,
      now: new Date(context.now.getTime() + 1),
    });
    expect((JSON.parse(later ?? '{}') as { serialNumber?: string }).serialNumber).not.toBe(serial);
  });

  it('carries every package with purl, location and layer', () => {
    const bom = JSON.parse(render('cyclonedx')) as {
      components: { purl?: string; type: string; properties?: { name: string; value: string }[] }[];
      metadata: { component: { type: string } };
    };
    const libraries = bom.components.filter((c) => c.type === 'library');
    expect(catalog.packages.length).toBeGreaterThan(0);
    expect(libraries).toHaveLength(catalog.packages.length);
    expect(bom.metadata.component.type).toBe('container');
    for (const component of libraries) {
      expect(component.purl).toMatch(/^pkg:/);
      const names = (component.properties ?? []).map((p) => p.name);
      expect(names).toContain('lockyard:location:path');
      expect(names).toContain('lockyard:location:layer-diff-id');
    }
    expect(bom.components.some((c) => c.type === 'operating-system')).toBe(true);
  });

  it("names each package's supplier: apk's maintainer, as an entity with an email contact", () => {
    const bom = JSON.parse(render('cyclonedx')) as {
      components: { name: string; supplier?: { name: string; contact?: { email: string }[] } }[];
    };
    const musl = bom.components.find((c) => c.name === 'musl');
    const recorded = catalog.packages.find((p) => p.name === 'musl')?.supplier;
    expect(recorded).toBe('Timo Teräs <timo.teras@iki.fi>');
    expect(musl?.supplier).toMatchObject({
      name: 'Timo Teräs',
      contact: [{ email: 'timo.teras@iki.fi' }],
    });
  });
});

describe('licences', () => {
  // Real licence lists: what the dpkg cataloger reads from this Debian machine's copyright files.
  const copyright = (name: string): string => `/usr/share/doc/${name}/copyright`;
  const withLicenses = (licenses: string[]): Catalog => ({
    ...catalog,
    packages: catalog.packages.map((p) => (p.name === 'musl' ? { ...p, licenses } : p)),
  });
  const cyclonedxLicenses = (licenses: string[]): unknown => {
    const text = sbomFormats.get('cyclonedx')?.renderSbom?.(withLicenses(licenses), context);
    const bom = JSON.parse(text ?? '{}') as { components: { name: string; licenses?: unknown }[] };
    return bom.components.find((c) => c.name === 'musl')?.licenses;
  };

  it.runIf(existsSync(copyright('tar')))(
    'CycloneDX keeps every licence of a mix of SPDX ids and expressions, as one AND expression',
    async () => {
      const licenses = licensesFromCopyright(await readFile(copyright('tar'), 'latin1'));
      expect(licenses).toContain('GPL-3.0-or-later WITH Bison-exception-2.2');
      expect(licenses).toContain('GPL-2.0-or-later');
      const expected = licenses
        .map((text) => (/\s(?:AND|OR|WITH)\s/u.test(text) ? `(${text})` : text))
        .join(' AND ');
      expect(cyclonedxLicenses(licenses)).toEqual([{ expression: expected }]);
      const validator = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6);
      const text = sbomFormats.get('cyclonedx')?.renderSbom?.(withLicenses(licenses), context);
      expect(await validator.validate(text ?? '')).toBeNull();
    },
  );

  it.runIf(existsSync(copyright('bash')))(
    'CycloneDX keeps an expression beside names that are not SPDX as a named licence',
    async () => {
      const licenses = licensesFromCopyright(await readFile(copyright('bash'), 'latin1'));
      expect(licenses).toContain('GPL-3.0-or-later WITH Bison-exception-2.2');
      expect(licenses).toContain('permissive');
      const written = cyclonedxLicenses(licenses) as {
        license?: { id?: string; name?: string };
        expression?: string;
      }[];
      expect(written.map((l) => l.license?.id ?? l.license?.name ?? l.expression)).toEqual(
        licenses,
      );
      expect(written).toContainEqual({
        license: { name: 'GPL-3.0-or-later WITH Bison-exception-2.2' },
      });
      expect(written).toContainEqual({ license: { id: 'GPL-2.0-or-later' } });
    },
  );

  it('CycloneDX writes a single expression as an expression, and plain ids as licences', () => {
    expect(cyclonedxLicenses(['GPL-2.0-or-later WITH Bison-exception-2.2'])).toEqual([
      { expression: 'GPL-2.0-or-later WITH Bison-exception-2.2' },
    ]);
    expect(cyclonedxLicenses(['MIT', 'BSD-3-Clause'])).toEqual([
      { license: { id: 'MIT' } },
      { license: { id: 'BSD-3-Clause' } },
    ]);
  });
});

describe('package dependencies', () => {
  it("CycloneDX lists each package's dependencies by bom-ref, SPDX as DEPENDS_ON", () => {
    const names = new Map(catalog.packages.map((p) => [p.id, p.name]));
    const expected = catalog.packages
      .flatMap((p) => (p.dependsOn ?? []).map((id) => `${p.name} -> ${names.get(id) ?? id}`))
      .sort();
    expect(expected).toContain('apk-tools -> libssl1.1');

    const bom = JSON.parse(render('cyclonedx')) as {
      components: { 'bom-ref': string; name: string }[];
      dependencies: { ref: string; dependsOn?: string[] }[];
    };
    const byRef = new Map(bom.components.map((c) => [c['bom-ref'], c.name]));
    const fromBom = bom.dependencies
      .filter((d) => byRef.has(d.ref))
      .flatMap((d) => (d.dependsOn ?? []).map((ref) => `${byRef.get(d.ref)} -> ${byRef.get(ref)}`))
      .filter((edge) => !edge.startsWith('alpine -> '))
      .sort();
    expect(fromBom).toEqual(expected);

    const document = JSON.parse(render('spdx')) as {
      packages: { SPDXID: string; name: string }[];
      relationships: {
        spdxElementId: string;
        relationshipType: string;
        relatedSpdxElement: string;
      }[];
    };
    const byId = new Map(document.packages.map((p) => [p.SPDXID, p.name]));
    const fromSpdx = document.relationships
      .filter((r) => r.relationshipType === 'DEPENDS_ON')
      .map((r) => `${byId.get(r.spdxElementId)} -> ${byId.get(r.relatedSpdxElement)}`)
      .sort();
    expect(fromSpdx).toEqual(expected);
  });
});

describe('SPDX 2.3', () => {
  it('validates against the official SPDX 2.3 JSON schema', async () => {
    const schema = JSON.parse(
      await readFile(join(repoRoot, 'assets', 'schemas', 'spdx-2.3.schema.json'), 'utf8'),
    ) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const document: unknown = JSON.parse(render('spdx'));
    const ok = validate(document);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('describes the image, which contains every package with its purl', () => {
    const document = JSON.parse(render('spdx')) as {
      packages: { SPDXID: string; externalRefs?: { referenceLocator: string }[] }[];
      relationships: {
        relationshipType: string;
        spdxElementId: string;
        relatedSpdxElement: string;
      }[];
    };
    const ids = new Set(document.packages.map((p) => p.SPDXID));
    expect(ids.size).toBe(document.packages.length);
    for (const relationship of document.relationships) {
      if (relationship.spdxElementId !== 'SPDXRef-DOCUMENT')
        expect(ids.has(relationship.spdxElementId)).toBe(true);
      expect(ids.has(relationship.relatedSpdxElement)).toBe(true);
    }
    const purls = document.packages.flatMap((p) =>
      (p.externalRefs ?? []).map((r) => r.referenceLocator),
    );
    expect(purls.sort()).toEqual(catalog.packages.map((p) => p.purl).sort());
  });

  it('gives every package with a recorded maintainer an SPDX supplier', () => {
    const document = JSON.parse(render('spdx')) as {
      packages: { name: string; supplier?: string; externalRefs?: unknown[] }[];
    };
    const packages = document.packages.filter((p) => p.externalRefs);
    expect(packages.filter((p) => p.supplier === undefined).map((p) => p.name)).toEqual(
      catalog.packages.filter((p) => !p.supplier).map((p) => p.name),
    );
    expect(packages.find((p) => p.name === 'musl')?.supplier).toBe(
      'Person: Timo Teräs (timo.teras@iki.fi)',
    );
  });
});

describe('JSON and table', () => {
  it('json round-trips the catalog', () => {
    const parsed = JSON.parse(render('json')) as Catalog;
    expect(parsed.packages).toEqual(JSON.parse(JSON.stringify(catalog.packages)));
  });

  it('table lists each package once', () => {
    const lines = render('table').split('\n');
    for (const pkg of catalog.packages)
      expect(lines.some((line) => line.startsWith(`${pkg.name} `))).toBe(true);
  });
});
