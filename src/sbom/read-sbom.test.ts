import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFiles, repoRoot } from '../testing/index.js';
import { readSbom } from './read-sbom.js';

// Hand-written SBOMs in Syft's and Trivy's documented shapes, of the packages in a real Debian 12
// status file; the CLI tests scan them. Here: the reader must produce the package records the dpkg
// cataloger reads from that status file (name, version with epoch, source name and version).
const fixtures = join(repoRoot, 'src', 'cli', 'commands', '__fixtures__');

async function fromImage(): Promise<string[]> {
  const catalog = await catalogFiles({
    'etc/os-release': await readFile(join(fixtures, 'debian-12-os-release')),
    'var/lib/dpkg/status': await readFile(join(fixtures, 'debian-12-status')),
  });
  return catalog.packages.map(describePackage).sort();
}

function describePackage(pkg: {
  name: string;
  version: string;
  epoch?: number | undefined;
  source?: { name: string; version: string } | undefined;
}): string {
  return `${pkg.name} ${pkg.version} epoch=${pkg.epoch ?? 0} source=${pkg.source?.name ?? '-'} ${pkg.source?.version ?? '-'}`;
}

describe('reading other tools’ SBOMs', () => {
  it.each([
    ['syft-debian-12.cdx.json', { id: 'debian', versionId: '12', versionCodename: 'bookworm' }],
    ['trivy-debian-12.cdx.json', { id: 'debian', versionId: '12.8' }],
    ['trivy-debian-12.spdx.json', { id: 'debian', versionId: '12.8' }],
    // Syft's SPDX has no OS package: the release comes from the purls' distro qualifier.
    ['syft-debian-12.spdx.json', { id: 'debian', versionId: '12' }],
  ])('%s gives the packages and sources dpkg does, and the release', async (file, os) => {
    const catalog = await readSbom(join(fixtures, file));
    expect(catalog.packages.map(describePackage).sort()).toEqual(await fromImage());
    expect(catalog.os).toMatchObject(os);
  });

  it('reads the sources of Trivy’s apk components and its bare distro qualifier', async () => {
    const catalog = await readSbom(join(fixtures, 'trivy-alpine-3.10.cdx.json'));
    expect(catalog.os).toMatchObject({ id: 'alpine', versionId: '3.10.4' });
    expect(catalog.image.name).toBe('alpine:3.10');
    expect(
      Object.fromEntries(catalog.packages.map((p) => [p.name, p.source?.name ?? '-'])),
    ).toEqual({
      'libcrypto1.1': 'openssl',
      'libssl1.1': 'openssl',
      musl: 'musl',
      'musl-utils': 'musl',
      ssl_client: 'busybox',
    });
  });
});
