import { describe, expect, it } from 'vitest';
import { classifyEntryName } from './entry-name.js';

describe('classifyEntryName', () => {
  it.each([
    // Plain names (the fast path): the name is the path, less a directory's trailing slash.
    ['usr/bin/env', { kind: 'entry', path: 'usr/bin/env' }],
    ['usr/lib/', { kind: 'entry', path: 'usr/lib' }],
    ['a', { kind: 'entry', path: 'a' }],
    ['a/', { kind: 'entry', path: 'a' }],
    ['node_modules/x/index.js', { kind: 'entry', path: 'node_modules/x/index.js' }],
    // Everything else is normalized or classified by segments.
    ['./usr/bin/env', { kind: 'entry', path: 'usr/bin/env' }],
    ['usr//bin/', { kind: 'entry', path: 'usr/bin' }],
    ['usr/./bin', { kind: 'entry', path: 'usr/bin' }],
    ['usr/bin/.', { kind: 'entry', path: 'usr/bin' }],
    ['home/u/.bashrc', { kind: 'entry', path: 'home/u/.bashrc' }],
    ['..data/x', { kind: 'entry', path: '..data/x' }],
    ['etc/.wh.passwd', { kind: 'whiteout', path: 'etc/passwd' }],
    ['.wh.etc', { kind: 'whiteout', path: 'etc' }],
    ['etc/.wh..wh..opq', { kind: 'opaque', path: 'etc' }],
    ['.wh..wh.plnk/123', { kind: 'skip' }],
    ['etc/.wh..wh.aufs', { kind: 'skip' }],
    ['.', { kind: 'skip' }],
    ['./', { kind: 'skip' }],
    ['', { kind: 'skip' }],
    ['/etc/passwd', { kind: 'unsafe', reason: 'absolute entry path' }],
    ['a/../../etc/passwd', { kind: 'unsafe', reason: 'entry path contains ".."' }],
    ['a/..', { kind: 'unsafe', reason: 'entry path contains ".."' }],
    ['etc/.wh...', { kind: 'unsafe', reason: 'whiteout of "." or ".."' }],
  ] as const)('%j', (name, expected) => {
    expect(classifyEntryName(name)).toEqual(expected);
  });
});
