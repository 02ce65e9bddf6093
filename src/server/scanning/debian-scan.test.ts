// Scan on push of a Debian 12 image: the real package database of this Debian 12 machine
// (/var/lib/dpkg/status, /etc/os-release) in an image written by our layout writer, pushed with
// skopeo, matched against Debian's real OVAL for bookworm. Expected values: dpkg-query for the
// packages, `lockyard scan` of the same image for the findings.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeOciLayout } from '../../oci/index.js';
import { bookwormOval, runCli, useTempDir } from '../../testing/index.js';
import { buildVulnDb } from '../../vulndb/index.js';
import { tool } from '../testing/client-tools.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';
import { eventually } from './testing/scan-fixtures.js';

const run = promisify(execFile);
const dir = useTempDir('lockyard-debian-scan-');
const dataDir = join(dir, 'data');
let server: SpawnedServer;
let layout: string;

beforeAll(async () => {
  const status = readFileSync('/var/lib/dpkg/status');
  layout = join(dir, 'debian-oci');
  await writeOciLayout(
    layout,
    {
      layers: [
        {
          kind: 'entries',
          entries: [
            { name: 'etc/os-release', content: readFileSync('/etc/os-release') },
            { name: 'var/lib/dpkg/status', content: status },
          ],
        },
      ],
    },
    'bookworm',
  );
  await buildVulnDb({
    inputs: [
      {
        kind: 'debian-oval',
        path: bookwormOval(),
      },
    ],
    output: join(dataDir, 'vulndb', 'lockyard.db'),
  });
  server = await spawnServer(['--data-dir', dataDir, '--listen', '127.0.0.1:0', '--insecure-http']);
}, 180_000);

afterAll(async () => {
  await server.stop();
});

describe('Debian image', () => {
  it('is scanned on push with the packages dpkg-query lists and the findings lockyard scan reports', async () => {
    const host = new URL(server.url).host;
    await tool('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `oci:${layout}:bookworm`,
      `docker://${host}/debian/base:12`,
    ]);
    const view = await eventually(async () => {
      const response = await fetch(
        `${server.url}/api/v1/repositories/debian/base/manifests/12/scan`,
      );
      const body = (await response.json()) as {
        status: string;
        packages: number;
        findings: { id: string; package: { name: string; version: string } }[];
      };
      return body.status === 'done' ? body : undefined;
    }, 120_000);

    const admin = join(dir, 'dpkg');
    mkdirSync(join(admin, 'updates'), { recursive: true });
    writeFileSync(join(admin, 'status'), readFileSync('/var/lib/dpkg/status'));
    const listed = (
      await run('dpkg-query', [`--admindir=${admin}`, '-W', '-f', '${db:Status-Status}\\n'])
    ).stdout
      .split('\n')
      .filter((s) => s === 'installed');
    expect(view.packages).toBe(listed.length);

    const cli = await runCli([
      'scan',
      '--data-dir',
      join(dir, 'cli'),
      '--db',
      join(dataDir, 'vulndb', 'lockyard.db'),
      '--scanners',
      'vuln',
      '-f',
      'json',
      `oci:${layout}:bookworm`,
    ]);
    const report = JSON.parse(cli.stdout) as {
      vulnerabilities: { id: string; package: { name: string; version: string } }[];
    };
    const label = (f: { id: string; package: { name: string; version: string } }): string =>
      `${f.id} ${f.package.name}@${f.package.version}`;
    expect(view.findings.map(label).sort()).toEqual(report.vulnerabilities.map(label).sort());
    expect(view.findings.length).toBeGreaterThan(0);
  });
});
