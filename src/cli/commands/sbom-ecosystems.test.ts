import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rpmQa } from '../../catalog/rpm/testing/rpm-query.js';
import {
  catalogImageDir,
  repoRoot,
  runCli,
  sharedFixture,
  useTempDir,
} from '../../testing/index.js';

/**
 * Every cataloger through the shipped CLI (the esbuild bundle run by bin/lockyard.js), not only
 * through the sources: a dependency that finds its files next to itself (better-sqlite3's addon)
 * can work in the tests of its module and fail in the bundle. Each root file system is built from
 * real fixtures; the CLI must report exactly what the catalogers report from the sources.
 */
const root = useTempDir();

type Layout = Readonly<Record<string, readonly string[]>>;

/** Copies fixtures (paths under pkgdb/) to paths inside a new root file system. */
async function rootfs(name: string, files: Layout, executables: readonly string[] = []) {
  const dir = join(root, name);
  for (const [target, source] of Object.entries(files)) {
    await mkdir(dirname(join(dir, target)), { recursive: true });
    await copyFile(sharedFixture('pkgdb', ...source), join(dir, target));
  }
  for (const target of executables) await chmod(join(dir, target), 0o755);
  return dir;
}

interface JsonSbom {
  packages: {
    type: string;
    name: string;
    version?: string | undefined;
    purl?: string | undefined;
    supplier?: string | undefined;
    originator?: string | undefined;
  }[];
}

/** A package as compared: its purl, and who supplies and who wrote it. */
function identity(p: JsonSbom['packages'][number]): string {
  return [p.purl ?? `${p.type}/${p.name}`, p.supplier ?? '', p.originator ?? ''].join('\t');
}

async function cliPurls(dir: string): Promise<{ purls: string[]; types: Set<string> }> {
  const result = await runCli(['sbom', `dir:${dir}`, '-f', 'json', '--no-cache']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const sbom = JSON.parse(result.stdout) as JsonSbom;
  return {
    purls: sbom.packages.map(identity).sort(),
    types: new Set(sbom.packages.map((p) => p.type)),
  };
}

async function sourcePurls(dir: string): Promise<string[]> {
  const catalog = await catalogImageDir(dir);
  return catalog.packages.map(identity).sort();
}

const rpmDatabases = [
  {
    kind: 'sqlite' as const,
    name: 'Amazon Linux 2023, rpmdb.sqlite',
    files: {
      'etc/os-release': ['os-release', 'syft', 'amazon', 'etc', 'os-release'],
      'usr/lib/sysimage/rpm/rpmdb.sqlite': [
        'rpm',
        'go-rpmdb',
        'amazonlinux2023-plain',
        'rpmdb.sqlite',
      ],
    },
  },
  {
    kind: 'bdb' as const,
    name: 'CentOS 7, Berkeley DB',
    files: {
      'etc/os-release': ['os-release', 'claircore', 'rhel', '7', 'etc', 'os-release'],
      'var/lib/rpm/Packages': ['rpm', 'go-rpmdb', 'centos7-plain', 'Packages'],
    },
  },
];

describe('lockyard sbom: every ecosystem through the shipped bundle', () => {
  it.each(rpmDatabases)('$name: as many packages as rpm -qa', async ({ kind, name, files }) => {
    const dir = await rootfs(name.replace(/\W+/gu, '-'), files);
    const { purls, types } = await cliPurls(dir);
    const db = Object.entries(files).find(([target]) => target.includes('rpm/'))?.[1] ?? [];
    const reference = rpmQa(await readFile(sharedFixture('pkgdb', ...db)), kind);
    expect(types).toEqual(new Set(['rpm']));
    expect(purls).toHaveLength(reference.length);
    expect(purls).toEqual(await sourcePurls(dir));
  });

  it('OS and language packages of a mixed root file system', async () => {
    const dir = await rootfs(
      'mixed',
      {
        'etc/os-release': ['dpkg', 'syft', 'image-dpkg', 'etc', 'os-release'],
        'var/lib/dpkg/status': [
          'dpkg',
          'snyk-docker-plugin',
          'nginx-debian10',
          'var',
          'lib',
          'dpkg',
          'status',
        ],
        'app/node_modules/yaml/package.json': [
          'npm',
          'snyk-docker-plugin',
          'home',
          'app',
          'node_modules',
          'yaml',
          'package.json',
        ],
        'app/package-lock.json': ['npm', 'trivy', 'package-lock_v3.json'],
        'usr/lib/python3/site-packages/zipp-3.12.1.dist-info/METADATA': [
          'python',
          'trivy',
          'zipp-3.12.1.METADATA',
        ],
        'usr/local/lib/ruby/gems/3.2.0/specifications/rss-0.2.9.gemspec': [
          'ruby',
          'scalibr',
          'rss-0.2.9.gemspec',
        ],
        'srv/www/vendor/composer/installed.json': [
          'php',
          'syft',
          'vendor',
          'composer_2',
          'installed.json',
        ],
        'srv/app/VulnApp.deps.json': ['dotnet', 'snyk-docker-plugin', 'VulnApp.deps.json'],
        'usr/local/bin/go-app': ['go', 'trivy', 'test.elf'],
        'usr/local/bin/rust-app': ['rust', 'scalibr', 'uses_serde_json'],
        'opt/app/lib/jackson-annotations.jar': [
          'java',
          'trivy',
          'jackson-annotations-2.15.0-rc2.jar',
        ],
      },
      ['usr/local/bin/go-app', 'usr/local/bin/rust-app'],
    );
    const { purls, types } = await cliPurls(dir);
    expect(types).toEqual(
      new Set(['deb', 'npm', 'pypi', 'gem', 'composer', 'nuget', 'golang', 'cargo', 'maven']),
    );
    expect(purls).toEqual(await sourcePurls(dir));
    expect(purls).toContain('pkg:npm/yaml@1.10.2\t\tEemeli Aro <eemeli@gmail.com>');
  });

  it('stops quietly when the reader of its output goes away (`| head`)', async () => {
    // Half a megabyte of JSON (every package's file list) into a pipe that `head` closes early.
    const [sqlite] = rpmDatabases;
    const dir = await rootfs('piped', sqlite?.files ?? {});
    const child = spawn(
      'sh',
      [
        '-c',
        `"${process.execPath}" bin/lockyard.js sbom "dir:${dir}" -f json --no-cache | head -c 1`,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const err: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(Buffer.concat(err).toString('utf8')).toBe('');
    expect(code).toBe(0);
  });
});
