import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildTar } from '../../oci/index.js';
import { sharedFixture, useTempDir, bookwormOval } from '../../testing/index.js';
import { VulnDbError } from '../errors.js';
import { walkInput } from './walk-input.js';

async function collect(path: string): Promise<[string, string, string][]> {
  const out: [string, string, string][] = [];
  for await (const file of walkInput(path))
    out.push([file.path, file.origin, (await file.read()).toString('utf8')]);
  return out;
}

describe('walkInput', () => {
  const dir = useTempDir('lockyard-walk-');

  it('walks a directory tree in sorted order, skipping hidden entries, opening archives inside it', async () => {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'b'), { recursive: true });
    mkdirSync(join(tree, '.git'), { recursive: true });
    writeFileSync(join(tree, 'b', 'two.json'), '2');
    writeFileSync(join(tree, 'a.json'), '1');
    writeFileSync(join(tree, '.git', 'HEAD'), 'ref');
    writeFileSync(join(tree, 'c.json.gz'), gzipSync('3'));
    expect(await collect(tree)).toEqual([
      ['a.json', 'a.json', '1'],
      ['b/two.json', 'b/two.json', '2'],
      ['c.json', 'c.json.gz', '3'],
    ]);
  });

  it('reads tar, tar.gz and bzip2 tar archives by their bytes, whatever their names', async () => {
    const tar = await buildTar([
      { name: './osv/x.json', content: 'x' },
      { name: 'osv/', type: 'directory' },
      { name: 'osv/y.json', content: 'y' },
    ]);
    writeFileSync(join(dir, 'plain.tar'), tar);
    writeFileSync(join(dir, 'feed.bin'), gzipSync(tar));
    writeFileSync(join(dir, 'feed.tar'), tar);
    execFileSync('bzip2', ['-k', '-f', join(dir, 'feed.tar')]);
    for (const name of ['plain.tar', 'feed.bin', 'feed.tar.bz2']) {
      expect(await collect(join(dir, name)), name).toEqual([
        ['osv/x.json', `${name}:osv/x.json`, 'x'],
        ['osv/y.json', `${name}:osv/y.json`, 'y'],
      ]);
    }
  });

  it('lets a consumer skip entries without reading them', async () => {
    const tar = await buildTar([
      { name: 'a.json', content: 'a'.repeat(100_000) },
      { name: 'b.json', content: 'b' },
    ]);
    writeFileSync(join(dir, 'skip.tar.gz'), gzipSync(tar));
    const read: string[] = [];
    for await (const file of walkInput(join(dir, 'skip.tar.gz'))) {
      if (file.path === 'b.json') read.push((await file.read()).toString());
    }
    expect(read).toEqual(['b']);
  });

  it('reads zip archives (Python zipfile wrote this one)', async () => {
    writeFileSync(join(dir, 'one.json'), '{"id":1}');
    execFileSync('python3', ['-m', 'zipfile', '-c', join(dir, 'all.zip'), join(dir, 'one.json')]);
    expect(await collect(join(dir, 'all.zip'))).toEqual([
      ['one.json', 'all.zip:one.json', '{"id":1}'],
    ]);
  });

  it('decompresses a single bzip2 file to the same bytes as bzcat', async () => {
    const path = bookwormOval();
    const expected = execFileSync('bzcat', [path], { maxBuffer: 128 * 1024 * 1024 });
    const files = [];
    for await (const file of walkInput(path))
      files.push({ path: file.path, bytes: await file.read(128 * 1024 * 1024) });
    expect(files.map((f) => f.path)).toEqual(['oval-definitions-bookworm.2023-07-14.xml']);
    expect(files[0]?.bytes.equals(expected)).toBe(true);
  }, 120_000);

  it('stops the bzip2 worker when the consumer stops early', async () => {
    const path = sharedFixture(
      'vulndb',
      'debian-oval',
      'oval-definitions-bullseye.2023-07-14.xml.bz2',
    );
    for await (const file of walkInput(path)) {
      const stream = await file.open();
      const first = (await stream[Symbol.asyncIterator]().next()).value as Buffer;
      expect(first.subarray(0, 5).toString()).toBe('<?xml');
      stream.destroy();
      await new Promise((resolve) => stream.once('close', resolve));
    }
  });

  it('refuses a record larger than the limit', async () => {
    writeFileSync(join(dir, 'big.json'), 'x'.repeat(2048));
    for await (const file of walkInput(join(dir, 'big.json')))
      await expect(file.read(1024)).rejects.toThrow(/larger than 1024 bytes/);
  });

  it('names a missing input and a corrupt archive in VulnDbErrors', async () => {
    await expect(collect(join(dir, 'nope'))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
    const noise = randomBytes(20_000);
    const tar = await buildTar([{ name: 'a.json', content: noise }]);
    writeFileSync(join(dir, 'cut.tar.gz'), gzipSync(tar).subarray(0, 2000));
    const error = await collect(join(dir, 'cut.tar.gz')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VulnDbError);
    expect((error as VulnDbError).code).toBe('INPUT_INVALID');
    expect((error as VulnDbError).message).toContain('cut.tar.gz');
    writeFileSync(
      join(dir, 'bad.json.bz2'),
      Buffer.concat([Buffer.from('BZh9'), readFileSync(join(dir, 'cut.tar.gz'))]),
    );
    const files = [];
    for await (const file of walkInput(join(dir, 'bad.json.bz2'))) files.push(file);
    await expect(files[0]?.read()).rejects.toMatchObject({
      code: 'INPUT_INVALID',
      message: expect.stringMatching(/^cannot read bad\.json\.bz2: /) as unknown,
    });
  });
});
