import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, symlink, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { ByteQueue } from './byte-queue.js';
import { TarFormatError, TarStreamReader } from './tar-stream-reader.js';

// The reference listing comes from Python's tarfile, an independent reader of every format.
const LIST_WITH_PYTHON = `
import json, sys, tarfile
TYPES = {b'0': 'file', b'\\x00': 'file', b'7': 'file', b'1': 'hardlink', b'2': 'symlink', b'3': 'char',
         b'4': 'block', b'5': 'dir', b'6': 'fifo'}
out = []
for m in tarfile.open(sys.argv[1]):
    t = TYPES.get(m.type, 'other')
    out.append({'name': m.name, 'type': t, 'mode': m.mode & 0o7777, 'uid': m.uid, 'gid': m.gid,
                'size': m.size if t == 'file' else 0, 'linkname': m.linkname})
print(json.dumps(out))
`;

interface Listed {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string;
  sha?: string;
}

function chunked(data: Buffer, size: number): AsyncIterator<Buffer> {
  function* gen(): Generator<Buffer> {
    for (let offset = 0; offset < data.length; offset += size)
      yield data.subarray(offset, offset + size);
  }
  const inner = gen();
  return { next: () => Promise.resolve(inner.next()) };
}

/** A body taken as the pieces scanBody hands over, checked to arrive in order. */
async function scannedBody(reader: TarStreamReader, size: number): Promise<Buffer> {
  const out = Buffer.alloc(size);
  let next = 0;
  await reader.scanBody((piece, offset) => {
    expect(offset).toBe(next);
    piece.copy(out, offset);
    next += piece.length;
  });
  expect(next).toBe(size);
  return out;
}

async function listWithReader(
  data: Buffer,
  chunkSize: number,
  readBodies: boolean | 'scan' = true,
): Promise<Listed[]> {
  const reader = new TarStreamReader(new ByteQueue(chunked(data, chunkSize)));
  const out: Listed[] = [];
  for (let header = await reader.next(); header; header = await reader.next()) {
    const item: Listed = {
      name: header.name,
      type: header.type,
      mode: header.mode,
      uid: header.uid,
      gid: header.gid,
      size: header.dataSize,
      linkname: header.linkname,
    };
    if (readBodies && header.type === 'file') {
      const body =
        readBodies === 'scan'
          ? await scannedBody(reader, header.dataSize)
          : await reader.readBody();
      item.sha = body.toString('base64').slice(0, 24);
    }
    out.push(item);
  }
  await reader.drain();
  return out;
}

const root = useTempDir('lockyard-tar-');

async function makeTree(dir: string, withLongNames: boolean, withFifo: boolean): Promise<void> {
  await mkdir(join(dir, 'a', 'b'), { recursive: true });
  await writeFile(join(dir, 'a', 'file.txt'), 'hello\n');
  await writeFile(join(dir, 'a', 'empty'), '');
  await writeFile(join(dir, 'a', 'b', 'big.bin'), randomBytes(200 * 1024 + 77));
  await writeFile(join(dir, 'a', 'setuid'), '#!/bin/sh\n');
  await chmod(join(dir, 'a', 'setuid'), 0o4755);
  await link(join(dir, 'a', 'file.txt'), join(dir, 'a', 'hard'));
  await symlink('../a/file.txt', join(dir, 'a', 'b', 'rel-link'));
  await symlink('/etc/os-release', join(dir, 'a', 'abs-link'));
  if (withFifo) execFileSync('mkfifo', [join(dir, 'a', 'fifo')]);
  if (withLongNames) {
    const longDir = join(dir, 'd'.repeat(120), 'e'.repeat(150));
    await mkdir(longDir, { recursive: true });
    await writeFile(join(longDir, `${'f'.repeat(90)}.txt`), 'deep\n');
    await symlink(`../${'t'.repeat(140)}/target`, join(dir, 'a', 'long-link'));
    await writeFile(join(dir, 'a', 'ünïcødé 文件.txt'), 'unicode\n');
    await writeFile(join(dir, 'a', 'new\nline'), 'nl\n');
  }
}

describe('TarStreamReader against Python tarfile on archives written by GNU tar', () => {
  const cases: [string, boolean][] = [
    ['gnu', true],
    ['oldgnu', true],
    ['posix', true],
    ['ustar', false],
    ['v7', false],
  ];
  it.each(cases)('format %s', async (format, longNames) => {
    const src = join(root, `src-${format}`);
    await makeTree(src, longNames, format !== 'v7');
    const archive = join(root, `${format}.tar`);
    const owner =
      format === 'v7' || format === 'ustar'
        ? ['--owner=0', '--group=0']
        : ['--owner=big:3000000', '--group=big:3000000'];
    execFileSync('tar', [`--format=${format}`, ...owner, '-C', src, '-cf', archive, '.']);
    const expected = JSON.parse(
      execFileSync('python3', ['-c', LIST_WITH_PYTHON, archive], { encoding: 'utf8' }),
    ) as Listed[];
    const data = await readFile(archive);
    const whole = await listWithReader(data, data.length, false);
    expect(whole).toEqual(expected);
    expect(
      whole.some((entry) => entry.type === 'hardlink' && entry.linkname === './a/file.txt'),
    ).toBe(true);
    if (longNames) {
      expect(whole.some((entry) => entry.name.length > 255)).toBe(true);
      expect(whole.some((entry) => entry.linkname.length > 140)).toBe(true);
      expect(whole.every((entry) => entry.uid === 3000000)).toBe(true);
    }
    // Chunk boundaries anywhere (inside headers, bodies and padding) must not change a thing.
    const reference = await listWithReader(data, 1024 * 1024);
    for (const size of [1, 7, 511, 513, 4096]) {
      expect(await listWithReader(data, size)).toEqual(reference);
      // Bodies handed over piece by piece (scanBody) hold the same bytes.
      expect(await listWithReader(data, size, 'scan')).toEqual(reference);
    }
  });
});

describe('TarStreamReader on broken archives', () => {
  async function build(): Promise<Buffer> {
    const src = join(root, 'broken-src');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'one'), 'x'.repeat(2000));
    await writeFile(join(src, 'two'), 'y'.repeat(10));
    const archive = join(root, 'broken.tar');
    execFileSync('tar', ['--format=gnu', '-C', src, '-cf', archive, 'one', 'two']);
    return readFile(archive);
  }

  it('reports a body cut short', async () => {
    const data = await build();
    await expect(listWithReader(data.subarray(0, 1200), 100)).rejects.toThrow(
      /unexpected end of archive inside a member/,
    );
  });

  it('reports a body cut short while handing it over piece by piece', async () => {
    const data = await build();
    await expect(listWithReader(data.subarray(0, 1200), 100, 'scan')).rejects.toThrow(
      /unexpected end of archive inside a member/,
    );
  });

  it('reports a header cut short', async () => {
    const data = await build();
    await expect(listWithReader(data.subarray(0, 200), 100)).rejects.toThrow(/inside a header/);
  });

  it('accepts an archive without end-of-archive blocks, as archive/tar does', async () => {
    const data = await build();
    // one: header + 4 blocks; two: header + 1 block.
    const names = (await listWithReader(data.subarray(0, 512 * 7), 512)).map((entry) => entry.name);
    expect(names).toEqual(['one', 'two']);
  });

  it('names the offset of a header with a bad checksum', async () => {
    const data = Buffer.from(await build());
    data[512 * 5 + 10] = 0x41;
    const error = await listWithReader(data, 4096).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TarFormatError);
    expect((error as TarFormatError).offset).toBe(512 * 5);
    expect((error as TarFormatError).message).toMatch(/bad header checksum at offset 2560/);
  });

  it('refuses a malformed size field', async () => {
    const data = Buffer.from(await build());
    data.write('9999', 124, 'latin1');
    // Recompute the checksum so only the size field is wrong.
    data.fill(0x20, 148, 156);
    let sum = 0;
    for (let index = 0; index < 512; index += 1) sum += data[index] ?? 0;
    data.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    await expect(listWithReader(data, 4096)).rejects.toThrow(/malformed size field/);
  });
});
