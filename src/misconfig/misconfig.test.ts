import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCatalogers } from '../catalog/index.js';
import { writeOciLayout, type ImageInput } from '../oci/index.js';
import { readFile } from 'node:fs/promises';
import { catalogImageDir, localFixture, readSharedFixture, useTempDir } from '../testing/index.js';
import { checkImage, permissionAnalyzer } from './index.js';

const root = useTempDir();
const now = new Date('2026-11-26T00:00:00Z');
const token = `ghp_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'a').slice(0, 36)}`;

async function check(
  name: string,
  image: ImageInput,
  secretScanner = false,
): Promise<Map<string, string[]>> {
  const dir = join(root, name);
  await writeOciLayout(dir, image);
  const catalog = await catalogImageDir(dir, [...allCatalogers(), permissionAnalyzer]);
  const findings = checkImage({ catalog, now, maxImageAgeDays: 365, secretScanner });
  const byRule = new Map<string, string[]>();
  for (const f of findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f.message]);
  expect(JSON.stringify(findings)).not.toContain(token);
  return byRule;
}

describe('image checks', () => {
  it('reports a root, SSH-exposed, unhealthchecked, old image with secrets in ENV and history', async () => {
    const status = await readSharedFixture('pkgdb', 'dpkg', 'trivy', 'dpkg');
    const found = await check('bad', {
      config: {
        created: '2020-01-01T00:00:00Z',
        config: {
          Env: [
            'PATH=/usr/local/bin:/usr/bin:/bin',
            `GITHUB_TOKEN=${token}`,
            'DB_PASSWORD=s3cr3t-Value!',
            'PASSWORD_FILE=/run/secrets/db',
          ],
          ExposedPorts: { '22/tcp': {}, '8080/tcp': {} },
        },
      },
      layers: [
        {
          kind: 'entries',
          entries: [
            { name: 'var/lib/dpkg/status', content: status },
            { name: 'usr/bin/su', content: 'elf', mode: 0o4755 },
            { name: 'usr/local/bin/tool', content: '#!/bin/sh', mode: 0o777 },
            { name: 'srv/data.txt', content: 'x', mode: 0o666 },
          ],
          history: { created_by: `|1 NPM_TOKEN=${token} /bin/sh -c npm ci` },
        },
        {
          kind: 'entries',
          entries: [{ name: 'app/x', content: 'x' }],
          history: { created_by: 'ADD https://example.com/tool.tar.gz /opt/ # buildkit' },
        },
      ],
    });
    expect(found.get('LY-IMG-001')).toEqual(['no USER is set; the container runs as root']);
    expect(found.get('LY-IMG-002')).toEqual([
      `ENV GITHUB_TOKEN=${'*'.repeat(12)}`,
      `ENV DB_PASSWORD=${'*'.repeat(12)}`,
    ]);
    expect(found.get('LY-IMG-003')?.[0]).toMatch(/^history\[0\]: ARG NPM_TOKEN=\*+$/);
    expect(found.get('LY-IMG-004')).toEqual(['history[1]: ADD https://example.com/tool.tar.gz']);
    expect(found.get('LY-IMG-007')).toEqual(['setuid usr/bin/su']);
    expect(found.get('LY-IMG-008')).toEqual(['usr/local/bin/tool']);
    expect(found.get('LY-IMG-009')).toEqual(['EXPOSE 22/tcp']);
    expect(found.get('LY-IMG-010')).toHaveLength(1);
    expect(found.get('LY-IMG-011')?.[0]).toMatch(/days ago, limit 365/);
  });

  it('passes a non-root image with a healthcheck and nothing to report', async () => {
    const found = await check('good', {
      config: {
        created: '2026-11-01T00:00:00Z',
        config: {
          User: 'app:app',
          Env: ['PATH=/usr/bin'],
          Healthcheck: { Test: ['CMD', '/app/health'] },
        },
      },
      layers: [{ kind: 'entries', entries: [{ name: 'app/health', content: 'x', mode: 0o755 }] }],
    });
    expect([...found.keys()]).toEqual([]);
  });

  // LY-IMG-005 / 006 on real package databases: which packages are installed decides, so each case
  // puts one real database in an image and reads it through the real catalogers.
  async function packageChecks(name: string, path: string, content: Buffer): Promise<string[]> {
    const found = await check(name, {
      config: { config: { User: 'app', Healthcheck: { Test: ['CMD', 'true'] } } },
      layers: [{ kind: 'entries', entries: [{ name: path, content }] }],
    });
    return [...found.entries()]
      .filter(([id]) => id === 'LY-IMG-005' || id === 'LY-IMG-006')
      .map(([id, messages]) => `${id}: ${messages.join(', ')}`);
  }

  it.each([
    [
      'Debian 12 with openssh-server and sudo',
      'var/lib/dpkg/status',
      () => readFile(localFixture(import.meta.url, 'debian-12-sshd-sudo-status')),
      ['LY-IMG-005: openssh-server 1:9.2p1-2+deb12u10', 'LY-IMG-006: sudo 1.9.13p3-1+deb12u4'],
    ],
    [
      'Ubuntu 10.04 with sudo and no SSH server',
      'var/lib/dpkg/status',
      () =>
        readSharedFixture(
          'pkgdb',
          'dpkg',
          'snyk-docker-plugin',
          'ubuntu_10_04',
          'fs',
          'var',
          'lib',
          'dpkg',
          'status',
        ),
      ['LY-IMG-006: sudo 1.7.2p1-1ubuntu5'],
    ],
    [
      'CBL-Mariner 2.0 (rpm, sqlite) with sudo',
      'var/lib/rpm/rpmdb.sqlite',
      () => readSharedFixture('pkgdb', 'rpm', 'go-rpmdb', 'cbl-mariner-2.0', 'rpmdb.sqlite'),
      ['LY-IMG-006: sudo 1.9.5p2-3.cm2'],
    ],
    [
      'Ubuntu 18.04 without either',
      'var/lib/dpkg/status',
      () => readSharedFixture('pkgdb', 'dpkg', 'trivy', 'dpkg'),
      [],
    ],
    [
      'Alpine 3.10 (apk) without either',
      'lib/apk/db/installed',
      () =>
        readSharedFixture(
          'pkgdb',
          'apk',
          'trivy',
          'alpine-3.10.4',
          'lib',
          'apk',
          'db',
          'installed',
        ),
      [],
    ],
  ])('SSH server and sudo checks: %s', async (name, path, content, expected) => {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    expect(await packageChecks(slug, path, await content())).toEqual(expected);
  });

  it('does not take a language package named like an OS one for an installed SSH server or sudo', async () => {
    const found = await check('npm-names', {
      config: { config: { User: 'app' } },
      layers: [
        {
          kind: 'entries',
          entries: ['dropbear', 'sudo', 'openssh-server'].map((name) => ({
            name: `app/node_modules/${name}/package.json`,
            content: JSON.stringify({ name, version: '1.0.0' }),
          })),
        },
      ],
    });
    expect(found.has('LY-IMG-005')).toBe(false);
    expect(found.has('LY-IMG-006')).toBe(false);
  });

  it('with the secret scanner running, leaves what its rules find to it and keeps the name heuristic', async () => {
    const image: ImageInput = {
      config: {
        config: {
          User: 'app',
          Env: [`GITHUB_TOKEN=${token}`, 'DB_PASSWORD=s3cr3t-Value!', 'SESSION_TOKEN=hunter2'],
        },
      },
      layers: [
        {
          kind: 'entries',
          entries: [{ name: 'app/x', content: 'x' }],
          history: { created_by: `|2 NPM_TOKEN=${token} API_KEY=abc123 /bin/sh -c npm ci` },
        },
      ],
    };
    const alone = await check('config-secrets-alone', image);
    expect(alone.get('LY-IMG-002')).toHaveLength(3);
    expect(alone.get('LY-IMG-003')?.length).toBeGreaterThanOrEqual(2);
    const withScanner = await check('config-secrets-shared', image, true);
    // ghp_… and the generic password rule are the secret scanner's; the bare names are not.
    expect(withScanner.get('LY-IMG-002')).toEqual([`ENV SESSION_TOKEN=${'*'.repeat(7)}`]);
    expect(withScanner.get('LY-IMG-003')).toEqual([`history[0]: ARG API_KEY=${'*'.repeat(6)}`]);
  });
});
