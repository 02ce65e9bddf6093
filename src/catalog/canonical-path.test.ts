import { describe, expect, it } from 'vitest';
import { canonicalPath, canonicalPathResolver } from './finalize.js';
import type { FileRecord } from './layer-analysis.js';

function links(entries: Record<string, string>): Map<string, FileRecord> {
  return new Map(
    Object.entries(entries).map(([path, linkTarget]) => [
      path,
      { path, type: 'symlink', mode: 0o777, size: 0, uid: 0, gid: 0, linkTarget },
    ]),
  );
}

describe('canonicalPath', () => {
  it('rewrites a path through a symlinked directory (merged /usr)', () => {
    const merged = links({ lib: 'usr/lib', bin: 'usr/bin' });
    expect(canonicalPath('lib/x86_64-linux-gnu/libc.so.6', merged)).toBe(
      'usr/lib/x86_64-linux-gnu/libc.so.6',
    );
    expect(canonicalPath('bin/sh', merged)).toBe('usr/bin/sh');
    expect(canonicalPath('usr/lib/os-release', merged)).toBe('usr/lib/os-release');
  });

  it('follows relative and absolute targets, and chains of them', () => {
    const chain = links({
      'usr/lib/python3': 'python3.11',
      'opt/app': '/srv/app',
      srv: 'var/srv',
    });
    expect(canonicalPath('usr/lib/python3/dist-packages/six.py', chain)).toBe(
      'usr/lib/python3.11/dist-packages/six.py',
    );
    expect(canonicalPath('opt/app/package.json', chain)).toBe('var/srv/app/package.json');
  });

  it('leaves the last component alone: a symlinked file is not a directory to go through', () => {
    expect(canonicalPath('etc/alternatives/java', links({ 'etc/alternatives/java': 'x' }))).toBe(
      'etc/alternatives/java',
    );
  });

  it('stops on a loop and keeps a path whose link leaves the root', () => {
    const loop = links({ a: 'b', b: 'a' });
    expect(() => canonicalPath('a/file', loop)).not.toThrow();
    expect(canonicalPath('up/file', links({ up: '../../..' }))).toBe('up/file');
    expect(canonicalPath('plain/path', new Map())).toBe('plain/path');
  });
});

describe('canonicalPathResolver', () => {
  it('resolves every path exactly as canonicalPath does, directories once', () => {
    const view = links({
      lib: 'usr/lib',
      bin: 'usr/bin',
      'usr/lib/python3': 'python3.11',
      'opt/app': '/srv/app',
      srv: 'var/srv',
      root: '/',
      up: '../../..',
      a: 'b',
      b: 'a',
      'etc/alternatives/java': 'x',
    });
    const paths = [
      'lib/x86_64-linux-gnu/libc.so.6',
      'lib/libz.so',
      'bin/sh',
      'usr/lib/python3/dist-packages/six.py',
      'usr/lib/python3/dist-packages/yaml/__init__.py',
      'opt/app/package.json',
      'root/etc/passwd',
      'root/file',
      'up/file',
      'a/file',
      'etc/alternatives/java',
      'lib',
      'file-at-root',
      'plain/path/x',
    ];
    const resolve = canonicalPathResolver(view);
    for (const path of [...paths, ...paths]) expect(resolve(path)).toBe(canonicalPath(path, view));
    expect(resolve('root/file')).toBe('file');
    expect(canonicalPathResolver(new Map())('a/b')).toBe('a/b');
  });
});
