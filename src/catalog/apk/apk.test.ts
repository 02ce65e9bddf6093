import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOciLayout } from '../../oci/index.js';
import { catalogFiles, catalogImageDir, sharedFixture } from '../../testing/index.js';
import type { ParseResult } from '../cataloger.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import { apkCataloger } from './index.js';
import { apkLicenses } from './parse-installed.js';

const fixture = (...parts: string[]): Promise<Buffer> =>
  readFile(sharedFixture('pkgdb', 'apk', ...parts));

async function parse(
  content: Buffer | string,
  path = 'lib/apk/db/installed',
): Promise<ParseResult> {
  const bytes = Buffer.from(content);
  return apkCataloger.parse({
    path,
    type: 'file',
    mode: 0o644,
    size: bytes.length,
    content: bytes,
  });
}

const summary = (result: ParseResult): string[] =>
  (result.packages ?? []).map(
    (p) =>
      `${p.name} ${p.version} ${p.arch ?? ''} ${p.source?.name ?? ''} ${p.licenses?.join('|') ?? ''}`,
  );

/**
 * alpine:3.10.4's installed database, as its own `apk info -vv` would name the packages (there is
 * no apk-tools in Debian to run here, so the list is written out, from the file's P/V/A/o/L lines;
 * an old-style space-separated `L:` list is one licence per name, joined here with `|`).
 */
const ALPINE_3_10_4 = [
  'musl 1.1.22-r3 x86_64 musl MIT',
  'busybox 1.30.1-r3 x86_64 busybox GPL-2.0',
  'alpine-baselayout 3.1.2-r0 x86_64 alpine-baselayout GPL-2.0-only',
  'alpine-keys 2.1-r2 x86_64 alpine-keys MIT',
  'libcrypto1.1 1.1.1d-r2 x86_64 openssl OpenSSL',
  'libssl1.1 1.1.1d-r2 x86_64 openssl OpenSSL',
  'ca-certificates-cacert 20190108-r0 x86_64 ca-certificates MPL-2.0|GPL-2.0-or-later',
  'libtls-standalone 2.9.1-r0 x86_64 libtls-standalone ISC',
  'ssl_client 1.30.1-r3 x86_64 busybox GPL-2.0',
  'zlib 1.2.11-r1 x86_64 zlib Zlib', // L:zlib, the SPDX id Zlib spelt in lower case
  'apk-tools 2.10.4-r2 x86_64 apk-tools GPL2',
  'scanelf 1.2.3-r0 x86_64 pax-utils GPL-2.0',
  'musl-utils 1.1.22-r3 x86_64 musl MIT|BSD|GPL2+',
  'libc-utils 0.7.1-r0 x86_64 libc-dev BSD',
];

runCatalogerContract(apkCataloger, [
  {
    path: 'lib/apk/db/installed',
    content: await fixture('trivy', 'alpine-3.10.4', 'lib', 'apk', 'db', 'installed'),
  },
  {
    path: 'usr/lib/apk/db/installed',
    content: await fixture('syft', 'multiple-2', 'lib', 'apk', 'db', 'installed'),
  },
]);

describe('apk installed database', () => {
  it('reads alpine 3.10.4: name, version, arch, origin as source, licence', async () => {
    const result = await parse(
      await fixture('trivy', 'alpine-3.10.4', 'lib', 'apk', 'db', 'installed'),
    );
    expect(summary(result)).toEqual(ALPINE_3_10_4);
    expect(result.warnings).toBeUndefined();
  });

  it('keeps maintainer, build time, commit; files from F/R lines', async () => {
    const result = await parse(await fixture('syft', 'empty-deps-and-provides'));
    expect(result.packages).toHaveLength(1);
    const pkg = result.packages?.[0];
    expect(pkg).toMatchObject({
      name: 'alpine-baselayout-data',
      version: '3.4.0-r0',
      source: { name: 'alpine-baselayout', version: '3.4.0-r0' },
      supplier: 'Natanael Copa <ncopa@alpinelinux.org>',
      metadata: {
        commit: 'bd965a7ebf7fd8f07d7a0cc0d7375bf3e4eb9b24',
        buildTime: 1667573027,
      },
    });
    expect(pkg?.files?.slice(0, 3)).toEqual(['/etc/fstab', '/etc/group', '/etc/hostname']);
  });

  it('skips the a:/M:/Z: attribute lines of a file', async () => {
    const result = await parse(await fixture('syft', 'extra-file-attributes'));
    expect(result.packages?.[0]?.files).toEqual(['/usr/lib/jvm/java-1.8-openjdk/bin/policytool']);
  });

  it('skips an entry without a version, with a warning, and keeps the rest', async () => {
    const result = await parse(await fixture('trivy', 'apk'));
    const names = result.packages?.map((p) => p.name);
    expect(names).not.toContain('invalidPackageWithoutAVersion');
    expect(names).toContain('musl');
    expect(result.warnings).toEqual([
      expect.stringContaining('(invalidPackageWithoutAVersion): no version (V:)'),
    ]);
  });

  it.each([
    ['scalibr', 'installed'],
    ['snyk-docker-plugin', 'alpine-3.14.9', 'lib', 'apk', 'db', 'installed'],
    ['snyk-docker-plugin', 'alpine_2_6_6', 'fs', 'lib', 'apk', 'db', 'installed'],
    ['snyk-docker-plugin', 'alpine_3_7_0', 'fs', 'lib', 'apk', 'db', 'installed'],
    ['stackrox-scanner', 'installed'],
    ['syft', 'multiple-1', 'lib', 'apk', 'db', 'installed'],
    ['syft', 'multiple-2', 'lib', 'apk', 'db', 'installed'],
  ])('%s/%s: one package per P:+V: entry, in file order', async (...parts) => {
    const text = (await fixture(...parts)).toString('utf8');
    const entries = text
      .split(/\n\n+/u)
      .map((block) => block.split('\n'))
      .map((lines) => [
        lines.find((l) => l.startsWith('P:'))?.slice(2),
        lines.find((l) => l.startsWith('V:'))?.slice(2),
      ])
      .filter(([name, version]) => name && version)
      .map(([name, version]) => `${name ?? ''}@${version ?? ''}`);
    const result = await parse(text);
    expect(result.packages?.map((p) => `${p.name}@${p.version}`)).toEqual(entries);
    expect(entries.length).toBeGreaterThan(0);
  });

  it('reads CRLF line ends like LF and reports stray lines', async () => {
    const lf = (await fixture('syft', 'multiple-1', 'lib', 'apk', 'db', 'installed')).toString(
      'utf8',
    );
    expect(summary(await parse(lf.replaceAll('\n', '\r\n')))).toEqual(summary(await parse(lf)));
    const broken = await parse(lf.replace('\nV:', '\n???\nV:'));
    expect(summary(broken)).toEqual(summary(await parse(lf)));
    expect(broken.warnings).toEqual(['1 lines were not "X:value" lines and were skipped']);
  });
});

describe('apk in real images', () => {
  it('catalogs the real alpine:3.10 docker-archive (gzip) with distro purls and layer', async () => {
    const catalog = await catalogImageDir(
      sharedFixture('pkgdb', 'images', 'trivy', 'alpine-310.tar.gz'),
    );
    expect(catalog.os).toMatchObject({ id: 'alpine', versionId: '3.10.4' });
    const apks = catalog.packages.filter((p) => p.type === 'apk');
    expect(apks.map((p) => `${p.name} ${p.version}`).sort()).toEqual(
      ALPINE_3_10_4.map((line) => line.split(' ').slice(0, 2).join(' ')).sort(),
    );
    const ssl = apks.find((p) => p.name === 'libssl1.1');
    expect(ssl?.purl).toBe(
      'pkg:apk/alpine/libssl1.1@1.1.1d-r2?arch=x86_64&distro=alpine-3.10.4&upstream=openssl',
    );
    expect(ssl?.locations).toEqual([
      expect.objectContaining({
        path: 'lib/apk/db/installed',
        layerIndex: 0,
        layerDiffId: catalog.image.layers[0]?.diffId,
      }),
    ]);
  });

  it("resolves each package's D: needs through what the others provide (p:), as Trivy does", async () => {
    const catalog = await catalogImageDir(
      sharedFixture('pkgdb', 'images', 'trivy', 'alpine-310.tar.gz'),
    );
    const apks = catalog.packages.filter((p) => p.type === 'apk');
    const names = new Map(apks.map((p) => [p.id, p.name]));
    const ours = Object.fromEntries(
      apks.map((p) => [p.name, (p.dependsOn ?? []).map((id) => names.get(id)).sort()]),
    );
    const trivy = JSON.parse(
      await readFile(
        new URL('./__fixtures__/trivy-alpine-3.10-dependencies.json', import.meta.url),
        'utf8',
      ),
    ) as Record<string, string[]>;
    expect(ours).toEqual(trivy);
    // `requires`/`provides` served the resolution only.
    expect(apks.some((p) => p.requires !== undefined || p.provides !== undefined)).toBe(false);
  });

  it('catalogs the real alpine OCI archive (containerd export)', async () => {
    const catalog = await catalogImageDir(
      sharedFixture('pkgdb', 'images', 'snyk-docker-plugin', 'alpine.tar'),
    );
    const expected = await parse(
      await fixture('snyk-docker-plugin', 'alpine-3.14.9', 'lib', 'apk', 'db', 'installed'),
    );
    expect(catalog.os?.versionId).toBe('3.14.9');
    expect(
      catalog.packages
        .filter((p) => p.type === 'apk')
        .map((p) => `${p.name} ${p.version}`)
        .sort(),
    ).toEqual((expected.packages ?? []).map((p) => `${p.name} ${p.version}`).sort());
  });

  it('lists each package’s files (F/R lines) in the catalog', async () => {
    const db = await fixture('trivy', 'alpine-3.10.4', 'lib', 'apk', 'db', 'installed');
    const catalog = await catalogFiles({ 'lib/apk/db/installed': db });
    const busybox = catalog.packages.find((p) => p.name === 'busybox');
    expect(busybox?.files).toContain('/bin/busybox');
  });

  it('a later layer that deletes the database removes the packages; one that replaces it wins', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lockyard-apk-image-'));
    try {
      const first = await fixture('trivy', 'alpine-3.10.4', 'lib', 'apk', 'db', 'installed');
      const second = await fixture('syft', 'multiple-1', 'lib', 'apk', 'db', 'installed');
      await writeOciLayout(dir, {
        layers: [
          { kind: 'entries', entries: [{ name: 'lib/apk/db/installed', content: first }] },
          { kind: 'entries', entries: [{ name: 'lib/apk/db/installed', content: second }] },
        ],
      });
      const replaced = await catalogImageDir(dir);
      expect(replaced.packages.map((p) => p.name)).toEqual([
        'bash',
        'busybox-binsh',
        'musl',
        'readline',
      ]);
      expect(replaced.packages.every((p) => p.locations[0]?.layerIndex === 1)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const deleted = await mkdtemp(join(tmpdir(), 'lockyard-apk-image-'));
    try {
      await writeOciLayout(deleted, {
        layers: [
          {
            kind: 'entries',
            entries: [{ name: 'lib/apk/db/installed', content: await fixture('trivy', 'apk') }],
          },
          { kind: 'entries', entries: [{ name: 'lib/apk/db/.wh.installed', content: '' }] },
        ],
      });
      expect((await catalogImageDir(deleted)).packages).toEqual([]);
    } finally {
      await rm(deleted, { recursive: true, force: true });
    }
  });
});

describe('apkLicenses', () => {
  it.each([
    ['MIT', ['MIT']],
    ['MIT AND BSD-3-Clause', ['MIT AND BSD-3-Clause']],
    ['(MIT OR Apache-2.0) AND Zlib', ['(MIT OR Apache-2.0) AND Zlib']],
    ['MIT BSD GPL2+', ['MIT', 'BSD', 'GPL2+']],
    ['MPL-2.0 GPL-2.0-or-later', ['MPL-2.0', 'GPL-2.0-or-later']],
    ['GPL2 GPL2', ['GPL2']],
    ['GPL-2.0 or later', ['GPL-2.0 or later']],
    ['MIT AND (BSD', ['MIT AND (BSD']],
    ['custom:other', ['custom:other']],
    ['  ', undefined],
  ])('%j -> %j', (field, expected) => {
    expect(apkLicenses(field)).toEqual(expected);
  });
});
