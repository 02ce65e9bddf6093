import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../digest.js';
import { ImageError } from '../errors.js';
import type { BlobLayer, LayerEvent } from '../image.js';
import { MediaType } from '../media-types.js';
import { buildTar, type TarEntrySpec } from '../writers/tar-builder.js';
import { readLayer, type ReadLayerOptions } from './read-layer.js';

interface LayerSpec {
  readonly mediaType?: string;
  readonly digest?: string | undefined;
  readonly diffId?: string | undefined;
  readonly size?: number | undefined;
}

function layerOf(
  blob: Buffer,
  tar: Buffer | undefined,
  spec: LayerSpec = {},
): BlobLayer & { opened: Readable[] } {
  const opened: Readable[] = [];
  return {
    kind: 'blob',
    index: 0,
    digest: 'digest' in spec ? spec.digest : sha256(blob),
    diffId: 'diffId' in spec ? spec.diffId : tar ? sha256(tar) : undefined,
    mediaType: spec.mediaType ?? MediaType.ociLayer,
    size: 'size' in spec ? spec.size : blob.length,
    history: undefined,
    opened,
    open: () => {
      // Small chunks so that headers and bodies straddle chunk boundaries.
      const stream = Readable.from(chunks(blob, 3000));
      opened.push(stream);
      return Promise.resolve(stream);
    },
  };
}

function* chunks(data: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < data.length; offset += size)
    yield data.subarray(offset, offset + size);
}

type Seen = { type: string; path: string; linkTarget?: string; content?: string; mode?: number };

async function collect(layer: BlobLayer, options: Partial<ReadLayerOptions> = {}): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const event of readLayer(layer, { imageName: 'img', ...options }))
    seen.push(await describe_(event));
  return seen;
}

async function describe_(event: LayerEvent): Promise<Seen> {
  if (event.type !== 'entry') return { type: event.type, path: event.path };
  const { entry } = event;
  const seen: Seen = { type: entry.type, path: entry.path, mode: entry.mode };
  if (entry.linkTarget !== undefined) seen.linkTarget = entry.linkTarget;
  if (entry.type === 'file') seen.content = (await entry.read()).toString('utf8');
  return seen;
}

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageError);
  const imageError = error as ImageError;
  expect(imageError.message).not.toContain('\n');
  return imageError;
}

const tree: TarEntrySpec[] = [
  { name: './etc/', type: 'directory' },
  { name: './etc/os-release', content: 'ID=debian\n' },
  { name: 'usr/bin/tool', content: '#!/bin/sh\n', mode: 0o4755 },
  { name: 'usr/bin/tool-hard', type: 'link', linkname: 'usr/bin/tool' },
  { name: 'etc/escape', type: 'symlink', linkname: '../../../../etc/shadow' },
  { name: 'etc/abs', type: 'symlink', linkname: '/usr/bin/tool' },
  { name: 'var/.wh.cache', content: '' },
  { name: 'opt/app/.wh..wh..opq', content: '' },
  { name: '.wh..wh.plnk/1234.56', content: 'aufs' },
  { name: 'big.bin', content: Buffer.alloc(70_000, 0x61) },
];

describe('readLayer', () => {
  it('yields the same entries for plain, gzip (gzip CLI) and zstd (zstd CLI) layers, digests verified', async () => {
    const tar = await buildTar(tree);
    const gz = execFileSync('gzip', ['-c', '-6'], { input: tar });
    const zst = execFileSync('zstd', ['-q', '-c', '-19'], { input: tar });
    const plain = await collect(layerOf(tar, tar));
    expect(plain).toEqual([
      { type: 'dir', path: 'etc', mode: 0o755 },
      { type: 'file', path: 'etc/os-release', mode: 0o644, content: 'ID=debian\n' },
      { type: 'file', path: 'usr/bin/tool', mode: 0o4755, content: '#!/bin/sh\n' },
      { type: 'hardlink', path: 'usr/bin/tool-hard', mode: 0o644, linkTarget: 'usr/bin/tool' },
      { type: 'symlink', path: 'etc/escape', mode: 0o644, linkTarget: '../../../../etc/shadow' },
      { type: 'symlink', path: 'etc/abs', mode: 0o644, linkTarget: '/usr/bin/tool' },
      { type: 'whiteout', path: 'var/cache' },
      { type: 'opaque', path: 'opt/app' },
      { type: 'file', path: 'big.bin', mode: 0o644, content: 'a'.repeat(70_000) },
    ]);
    expect(await collect(layerOf(gz, tar, { mediaType: MediaType.ociLayerGzip }))).toEqual(plain);
    expect(await collect(layerOf(zst, tar, { mediaType: MediaType.ociLayerZstd }))).toEqual(plain);
    // Media types lie in the wild: the bytes decide.
    expect(await collect(layerOf(gz, tar, { mediaType: MediaType.dockerLayer }))).toEqual(plain);
    expect(await collect(layerOf(zst, tar, { mediaType: MediaType.dockerLayerGzip }))).toEqual(
      plain,
    );
  });

  it('reads zstd written with several frames and a content checksum', async () => {
    const tar = await buildTar(tree);
    const half = Math.floor(tar.length / 2);
    const a = execFileSync('zstd', ['-q', '-c', '--check'], { input: tar.subarray(0, half) });
    const b = execFileSync('zstd', ['-q', '-c', '--check'], { input: tar.subarray(half) });
    const blob = Buffer.concat([a, b]);
    expect((await collect(layerOf(blob, tar, { mediaType: MediaType.ociLayerZstd }))).length).toBe(
      9,
    );
  });

  it('stops reading and closes the blob when the consumer stops early', async () => {
    const tar = await buildTar(tree);
    const layer = layerOf(tar, tar);
    for await (const event of readLayer(layer, { imageName: 'img' })) {
      if (event.type === 'entry') break;
    }
    expect(layer.opened[0]?.destroyed).toBe(true);
  });

  it('refuses to read a body after the reader moved on', async () => {
    const tar = await buildTar(tree);
    const files = [];
    for await (const event of readLayer(layerOf(tar, tar), { imageName: 'img' })) {
      if (event.type === 'entry' && event.entry.type === 'file') files.push(event.entry);
    }
    await expect(files[0]!.read()).rejects.toThrow(/only be read once, while it is current/);
  });
});

describe('readLayer on bad layers: one typed error naming image, layer and path', () => {
  it('corrupt gzip', async () => {
    const tar = await buildTar(tree);
    const gz = Buffer.from(gzipSync(tar));
    for (let index = 40; index < 80; index += 1) gz[index] = 0xff;
    const layer = layerOf(gz, tar, { mediaType: MediaType.ociLayerGzip });
    const error = await failure(collect(layer));
    expect(error.code).toBe('LAYER_CORRUPT');
    expect(error.message).toMatch(
      new RegExp(`^img: layer ${layer.digest}(: .*)?: corrupt gzip data \\(.+\\)$`),
    );
  });

  it('truncated gzip', async () => {
    const tar = await buildTar(tree);
    const gz = gzipSync(tar);
    const cut = gz.subarray(0, gz.length - 100);
    const error = await failure(collect(layerOf(cut, tar, { mediaType: MediaType.ociLayerGzip })));
    expect(error.code).toBe('LAYER_CORRUPT');
    expect(error.message).toMatch(/corrupt gzip data \(unexpected end of file\)/);
  });

  it('corrupt zstd', async () => {
    const tar = await buildTar(tree);
    const zst = Buffer.from(execFileSync('zstd', ['-q', '-c'], { input: tar }));
    for (let index = 20; index < 60; index += 1) zst[index] = 0x00;
    const error = await failure(collect(layerOf(zst, tar, { mediaType: MediaType.ociLayerZstd })));
    expect(error.code).toBe('LAYER_CORRUPT');
    expect(error.message).toMatch(/^img: layer sha256:[a-f0-9]{64}.*: corrupt zstd data \(.+\)$/);
  });

  it('truncated tar names the entry it stopped in', async () => {
    const tar = await buildTar(tree);
    const cut = tar.subarray(0, tar.length - 40_000);
    const error = await failure(collect(layerOf(cut, undefined, { diffId: undefined })));
    expect(error.code).toBe('LAYER_CORRUPT');
    expect(error.message).toMatch(
      /: big\.bin: corrupt tar \(unexpected end of archive inside a member at offset \d+\)$/,
    );
    expect(error.details['path']).toBe('big.bin');
  });

  it('blob digest mismatch', async () => {
    const tar = await buildTar(tree);
    const gz = gzipSync(tar);
    const wrong = sha256('something else');
    const error = await failure(
      collect(layerOf(gz, tar, { mediaType: MediaType.ociLayerGzip, digest: wrong })),
    );
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toBe(
      `img: layer ${wrong}: blob digest mismatch (expected ${wrong}, got ${sha256(gz)})`,
    );
  });

  it('diff_id mismatch', async () => {
    const tar = await buildTar(tree);
    const gz = gzipSync(tar);
    const wrong = sha256('not the tar');
    const error = await failure(
      collect(layerOf(gz, tar, { mediaType: MediaType.ociLayerGzip, diffId: wrong })),
    );
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toMatch(/diff_id digest mismatch/);
    expect(error.message).toContain(sha256(tar));
  });

  it('a blob longer than its descriptor says', async () => {
    const tar = await buildTar(tree);
    const error = await failure(collect(layerOf(tar, tar, { size: 1024 })));
    expect(error.code).toBe('DIGEST_MISMATCH');
    expect(error.message).toMatch(/larger than the 1024 bytes its descriptor declares/);
  });

  it.each([
    ['../../etc/passwd', 'entry path contains ".."'],
    ['usr/../../etc/passwd', 'entry path contains ".."'],
    ['/etc/passwd', 'absolute entry path'],
  ])('entry named %s', async (name, why) => {
    const tar = await buildTar([
      { name: 'ok', content: 'x' },
      { name, content: 'root::0:0' },
    ]);
    const error = await failure(collect(layerOf(tar, tar)));
    expect(error.code).toBe('UNSAFE_PATH');
    expect(error.message).toBe(`img: layer ${sha256(tar)}: ${name}: ${why}`);
  });

  it('a hostile name cannot break the message onto a second line', async () => {
    const tar = await buildTar([{ name: 'a\nlockyard: forged/../../x', content: 'x' }]);
    const error = await failure(collect(layerOf(tar, tar)));
    expect(error.message).toContain('a\\nlockyard: forged/../../x');
  });

  it('a hard link to an absolute path means the same path inside the root', async () => {
    const tar = await buildTar([
      { name: 'usr/bin/a', content: 'x' },
      { name: 'usr/bin/b', type: 'link', linkname: '/usr/bin/a' },
    ]);
    expect((await collect(layerOf(tar, tar)))[1]).toEqual({
      type: 'hardlink',
      path: 'usr/bin/b',
      mode: 0o644,
      linkTarget: 'usr/bin/a',
    });
  });

  it('hard link leaving the root', async () => {
    const tar = await buildTar([
      { name: 'etc/shadow-link', type: 'link', linkname: '../../etc/shadow' },
    ]);
    const error = await failure(collect(layerOf(tar, tar)));
    expect(error.code).toBe('UNSAFE_PATH');
    expect(error.message).toMatch(
      /etc\/shadow-link: hard link to "\.\.\/\.\.\/etc\/shadow" leaves the image root$/,
    );
  });

  it('decompression bomb stops at the configured cap', async () => {
    // 64 MiB of zeros in one file compress to about 64 KiB.
    const tar = await buildTar([{ name: 'zeros', content: Buffer.alloc(64 * 1024 * 1024) }]);
    const gz = gzipSync(tar, { level: 9 });
    expect(gz.length).toBeLessThan(200_000);
    const layer = layerOf(gz, tar, { mediaType: MediaType.ociLayerGzip });
    const error = await failure(collect(layer, { maxLayerBytes: 8 * 1024 * 1024 }));
    expect(error.code).toBe('SIZE_LIMIT');
    expect(error.message).toBe(
      `img: layer ${layer.digest}: uncompressed size exceeds the limit of 8388608 bytes`,
    );
  });

  it('unknown layer media type', async () => {
    const tar = await buildTar(tree);
    const error = await failure(
      collect(
        layerOf(tar, tar, { mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip' }),
      ),
    );
    expect(error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(error.message).toMatch(
      /unsupported layer media type "application\/vnd\.cncf\.helm\.chart\.content\.v1\.tar\+gzip"$/,
    );
  });

  it('garbage instead of a tar', async () => {
    const junk = Buffer.from('this is not a tar archive at all, just text. '.repeat(40));
    const error = await failure(collect(layerOf(junk, junk)));
    expect(error.code).toBe('LAYER_CORRUPT');
    expect(error.message).toMatch(/corrupt tar \(bad header checksum at offset 0\)$/);
  });
});
