import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOciLayout } from '../../oci/index.js';
import {
  localFixture,
  repoRoot,
  runCli,
  sharedFixture,
  useTempDir,
  bookwormOval,
} from '../../testing/index.js';
import { buildVulnDb } from '../../vulndb/index.js';
import { debian12Layer } from '../testing/debian-12-layer.js';

// Scanning SBOMs other tools wrote (hand-written in Syft's and Trivy's documented shapes, see
// __fixtures__/SOURCES.md) must find what scanning the image finds: OS packages matched by their
// source package and the distro release, as the catalogers read them from the package database.
const dir = useTempDir();
const image = join(dir, 'debian-12');
const db = join(dir, 'vuln.db');
const common = ['--db', db, '--data-dir', join(dir, 'data'), '--quiet', '-f', 'json'];

interface Report {
  artifact: { type: string; os?: { id: string; versionId?: string } };
  vulnerabilities: { id: string; status: string; package: { name: string; version: string } }[];
}

async function findings(target: string): Promise<{ report: Report; ids: string[] }> {
  const result = await runCli(['scan', target, ...common]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const report = JSON.parse(result.stdout) as Report;
  const ids = report.vulnerabilities
    .map((v) => `${v.id} ${v.package.name} ${v.package.version} ${v.status}`)
    .sort();
  return { report, ids };
}

beforeAll(async () => {
  await buildVulnDb({
    inputs: [
      {
        kind: 'debian-oval',
        path: bookwormOval(),
      },
      { kind: 'alpine-secdb', path: sharedFixture('vulndb', 'alpine-secdb.tar.gz') },
    ],
    output: db,
  });
  await writeOciLayout(image, {
    layers: [await debian12Layer()],
  });
}, 240_000);

describe('lockyard scan SBOM from other tools', () => {
  it.each([
    'syft-debian-12.cdx.json',
    'trivy-debian-12.cdx.json',
    'trivy-debian-12.spdx.json',
    'syft-debian-12.spdx.json',
  ])('%s: the same Debian findings as the image', async (file) => {
    const fromImage = await findings(image);
    // glibc, openssl and sqlite3 advisories reach libc6, libssl3 and libsqlite3-0 only through the
    // source package; tar has no Source field and is its own.
    const names = new Set(fromImage.report.vulnerabilities.map((v) => v.package.name));
    expect(names).toEqual(new Set(['libc6', 'libssl3', 'libsqlite3-0', 'tar']));
    const fromSbom = await findings(localFixture(import.meta.url, file));
    expect(fromSbom.report.artifact.type).toBe('sbom');
    expect(fromSbom.report.artifact.os?.id).toBe('debian');
    expect(fromSbom.ids).toEqual(fromImage.ids);
  });

  it('trivy-alpine-3.10.cdx.json: the same findings as the shipped Alpine image for its packages', async () => {
    const fromImage = await findings(join(repoRoot, 'examples', 'alpine-3.10.tar.gz'));
    const fromSbom = await findings(localFixture(import.meta.url, 'trivy-alpine-3.10.cdx.json'));
    const listed = new Set(['libcrypto1.1', 'libssl1.1', 'musl', 'musl-utils', 'ssl_client']);
    const expected = fromImage.ids.filter((id) => listed.has(id.split(' ')[1] ?? ''));
    // openssl's advisories reach libssl1.1 through SrcName; musl's CVE-2020-28928 is fixed in r4.
    expect(expected.some((id) => id.includes(' libssl1.1 '))).toBe(true);
    expect(expected).toContain('CVE-2020-28928 musl 1.1.22-r3 fixed');
    expect(fromSbom.ids).toEqual(expected);
  });
});
