import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/testing/fixtures.js';

// bin/lockyard.js, run from a copy of the installed layout (bin/, dist/bundle/, node_modules)
// so the code cache it writes lands in a directory of this test's own.
describe('bin/lockyard.js', () => {
  let root: string;
  let bundleDir: string;
  const caches = () => readdirSync(bundleDir).filter((name) => name.endsWith('.v8cache'));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'bin', 'lockyard.js'), ...args], { encoding: 'utf8' });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'lockyard-entry-'));
    bundleDir = join(root, 'dist', 'bundle');
    mkdirSync(join(root, 'bin'));
    mkdirSync(bundleDir, { recursive: true });
    copyFileSync(join(repoRoot, 'bin', 'lockyard.js'), join(root, 'bin', 'lockyard.js'));
    // The launcher is CommonJS in an ES-module package: bin/package.json says so.
    copyFileSync(join(repoRoot, 'bin', 'package.json'), join(root, 'bin', 'package.json'));
    copyFileSync(join(repoRoot, 'package.json'), join(root, 'package.json'));
    copyFileSync(join(repoRoot, 'dist', 'bundle', 'lockyard.cjs'), join(bundleDir, 'lockyard.cjs'));
    symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('writes a code cache on its first run and starts from it afterwards', () => {
    expect(caches()).toEqual([]);
    const first = run('--version');
    expect(first.status).toBe(0);
    expect(first.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const written = caches();
    expect(written).toHaveLength(1);
    const cache = join(bundleDir, written[0]!);
    const { mtimeMs, size } = statSync(cache);
    expect(size).toBeGreaterThan(10_000);

    // Accepted by V8: not rewritten, and the CLI still answers.
    const second = run('--version');
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(statSync(cache).mtimeMs).toBe(mtimeMs);
  });

  it('runs from a damaged cache and replaces it', () => {
    const cache = join(bundleDir, caches()[0]!);
    writeFileSync(cache, Buffer.alloc(4096, 0x5a));
    const result = run('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(statSync(cache).size).not.toBe(4096);
  });

  it('keeps a separate cache per set of Node flags', () => {
    const before = caches().length;
    const result = spawnSync(
      process.execPath,
      ['--max-semi-space-size=4', join(root, 'bin', 'lockyard.js'), '--version'],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(caches().length).toBe(before + 1);

    // Flags from NODE_OPTIONS count as well, and a second run with them reuses their cache.
    const withOptions = () =>
      spawnSync(process.execPath, [join(root, 'bin', 'lockyard.js'), '--version'], {
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '--max-semi-space-size=8' },
      });
    expect(withOptions().status).toBe(0);
    expect(caches().length).toBe(before + 2);
    const written = caches().map((name) => statSync(join(bundleDir, name)).mtimeMs);
    expect(withOptions().status).toBe(0);
    expect(caches().map((name) => statSync(join(bundleDir, name)).mtimeMs)).toEqual(written);
  });

  it('says how to build when the bundle is missing', () => {
    rmSync(join(bundleDir, 'lockyard.cjs'));
    const result = run('--version');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /lockyard: error: .*lockyard\.cjs is missing; run `npm run build`/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
