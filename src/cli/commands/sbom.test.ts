import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli, useTempDir } from '../../testing/index.js';

const example = join(repoRoot, 'examples', 'alpine-3.10.tar.gz');
const dir = useTempDir();

describe('lockyard sbom', () => {
  it('writes a CycloneDX SBOM of the shipped example image to -o, caching in --data-dir', async () => {
    const out = join(dir, 'sbom.cdx.json');
    const dataDir = join(dir, 'data');
    const result = await runCli([
      'sbom',
      example,
      '-f',
      'cyclonedx',
      '-o',
      out,
      '--data-dir',
      dataDir,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const bom = JSON.parse(await readFile(out, 'utf8')) as {
      bomFormat: string;
      specVersion: string;
    };
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6' });
    expect(existsSync(join(dataDir, 'cache.db'))).toBe(true);
  });

  it('prints a table by default, naming the OS', async () => {
    const result = await runCli(['sbom', example, '--no-cache']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('OS: Alpine Linux v3.10');
  });

  it.each([
    [['sbom', join(dir, 'missing.tar')], /missing\.tar: no such file or directory/],
    // A bare archive name is a file that is missing, not an image on Docker Hub.
    [['sbom', 'missing-image.tar.gz'], /^lockyard: error: missing-image\.tar\.gz: no such file/],
    [['sbom', example, '-f', 'xml'], /argument 'xml' is invalid/],
    [['sbom', example, '--password-stdin'], /--password-stdin needs --username/],
    [['sbom', example, '--username', 'me'], /--username needs --password-stdin/],
    [['sbom', example, '--max-layer-size', 'lots'], /--max-layer-size: invalid size "lots"/],
    [['sbom', `oci:${dir}`], /not an OCI image layout/],
    [
      ['sbom', example, '--pkg-types', 'os,libs'],
      /--pkg-types: unknown value "libs" \(allowed: os, library\)/,
    ],
    [['sbom', example, '--pkg-types', ','], /--pkg-types: name at least one of os, library/],
  ])('%j fails with one line and exit 2', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('warns when --platform names another platform than a single-platform image has', async () => {
    const other = await runCli(['sbom', example, '--no-cache', '--platform', 'linux/arm64']);
    expect(other.code).toBe(0);
    expect(other.stderr).toBe(
      `warning: ${example}: the image is for linux/amd64, not linux/arm64: --platform only picks from a multi-platform image\n`,
    );
    const same = await runCli(['sbom', example, '--no-cache', '--platform', 'linux/amd64']);
    expect(same.stderr).toBe('');
  });
  it('--skip-dirs, --skip-files and --pkg-types leave packages out; the cache keeps the whole image', async () => {
    const dataDir = join(dir, 'skip-data');
    const packages = async (...args: string[]): Promise<string[]> => {
      const result = await runCli(['sbom', example, '-f', 'json', '--data-dir', dataDir, ...args]);
      expect(result.code).toBe(0);
      return (JSON.parse(result.stdout) as { packages: { name: string }[] }).packages.map(
        (p) => p.name,
      );
    };
    const whole = await packages();
    expect(whole).toHaveLength(14);
    expect(await packages('--skip-dirs', '/lib/apk/')).toEqual([]);
    expect(await packages('--skip-files', 'lib/apk/db/*')).toEqual([]);
    expect(await packages('--skip-dirs', 'usr,opt', '--skip-dirs', '**/test')).toEqual(whole);
    // Cached whole: the next run without flags finds every package again.
    expect(await packages()).toEqual(whole);
    // --pkg-types as Trivy takes it: apk packages are the distribution's.
    expect(await packages('--pkg-types', 'os')).toEqual(whole);
    expect(await packages('--pkg-types', 'library')).toEqual([]);
  });
});
