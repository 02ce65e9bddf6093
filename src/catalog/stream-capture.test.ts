import { randomBytes } from 'node:crypto';
import { lstat, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARTIAL_READ_MIN_BYTES, STREAM_HEAD_BYTES, type StreamPlan } from './cataloger.js';
import { golangCataloger } from './golang/index.js';
import { rustCataloger } from './rust/index.js';
import { StreamCapture } from './stream-capture.js';

/** Feeds `bytes` to a capture in pieces of the given sizes (cycled), as a stream would. */
function capture(bytes: Buffer, headLength: number, plans: StreamPlan[], sizes: number[]) {
  const kept = new StreamCapture(bytes.length, headLength, plans);
  for (let offset = 0, i = 0; offset < bytes.length; i += 1) {
    const size = sizes[i % sizes.length] ?? 1;
    kept.take(bytes.subarray(offset, offset + size), offset);
    offset += size;
  }
  return kept;
}

/** What the capture must hold, computed over the whole file at once. */
function expected(bytes: Buffer, headLength: number, plans: StreamPlan[]) {
  const out = Buffer.alloc(bytes.length);
  const marked = new Uint8Array(bytes.length);
  const keep = (from: number, to: number): void => {
    const start = Math.max(0, from);
    const end = Math.min(bytes.length, to);
    if (end <= start) return;
    bytes.copy(out, start, start, end);
    marked.fill(1, start, end);
  };
  keep(0, headLength);
  for (const plan of plans) {
    for (const [offset, length] of plan.ranges) keep(offset, offset + length);
    for (const mark of plan.marks ?? []) {
      for (let at = bytes.indexOf(mark.bytes); at >= 0; at = bytes.indexOf(mark.bytes, at + 1)) {
        const end = mark.until ? bytes.indexOf(mark.until, at) : -1;
        keep(at, Math.min(at + mark.keep, end < 0 ? Infinity : end + (mark.until?.length ?? 0)));
      }
    }
  }
  return { content: out, kept: marked.reduce((sum, byte) => sum + byte, 0) };
}

describe('StreamCapture keeps what the plans ask for, whatever the pieces', () => {
  const MARK = Buffer.from('\xff Go buildinf:', 'latin1');
  const START = Buffer.from('<<framed string start>>');
  const END = Buffer.from('<<end>>');
  const file = randomBytes(200_000);
  // Marks planted at awkward places: straddling every piece size below, and near the end;
  // framed strings whose end straddles pieces too, one that runs past its limit, one unended.
  for (const at of [4095, 65_530, 99_999, 131_070, 199_990]) MARK.copy(file, at);
  for (const [at, end] of [
    [20_000, 20_990],
    [60_000, 65_534],
    [70_000, 90_000],
    [140_000, 140_100],
    [195_000, -1],
  ] as const) {
    START.copy(file, at);
    if (end > 0) END.copy(file, end);
  }
  const plans: StreamPlan[] = [
    {
      ranges: [
        [10_000, 5_000],
        [12_000, 10_000], // overlaps the one before: kept once
        [190_000, 50_000], // runs past the end: clamped
      ],
    },
    { ranges: [[150_000, 1]], marks: [{ bytes: MARK, keep: 100 }] },
    { ranges: [], marks: [{ bytes: START, keep: 10_000, until: END }] },
  ];

  it.each([[[1]], [[7, 13]], [[4096]], [[65_536]], [[1000, 1, 30_000]], [[200_000]]])(
    'in pieces of %j bytes',
    (sizes) => {
      const got = capture(file, 64, plans, sizes);
      const want = expected(file, 64, plans);
      expect(got.content.equals(want.content)).toBe(true);
      expect(got.kept).toBe(want.kept);
    },
  );

  it('keeps a short mark met right after a piece boundary once, beside a longer one', () => {
    const bytes = Buffer.alloc(64, 0x2e);
    bytes.write('go1.', 30);
    const marks = [
      { bytes: Buffer.from('go1.'), keep: 8 },
      { bytes: Buffer.from('0123456789abcdef'), keep: 8 },
    ];
    // The carry holds 15 bytes: 'go1.' lies whole in it when the second piece arrives.
    const got = capture(bytes, 0, [{ ranges: [], marks }], [36, 28]);
    expect(got.kept).toBe(8);
    expect(got.content.toString('latin1', 30, 38)).toBe('go1.....');
  });

  it('stops keeping after 4096 occurrences of one mark', () => {
    const bytes = Buffer.from('go1.'.repeat(5000));
    const got = capture(
      bytes,
      0,
      [{ ranges: [], marks: [{ bytes: Buffer.from('go1.'), keep: 4 }] }],
      [1000],
    );
    expect(got.kept).toBe(4096 * 4);
  });

  it('follows at most 8 framed strings at a time', () => {
    // Nine starts met in one piece, none ended: each open one copies what passes, so a file of
    // unended starts must not multiply the work. The ninth is not followed.
    const bytes = Buffer.alloc(1000, 0x2e);
    for (let i = 0; i < 9; i += 1) bytes.write('<start>', i * 100);
    const marks = [{ bytes: Buffer.from('<start>'), keep: 50, until: END }];
    const got = capture(bytes, 0, [{ ranges: [], marks }], [1000]);
    expect(got.kept).toBe(8 * 50);
    expect(got.content.subarray(800, 850).every((byte) => byte === 0)).toBe(true);
    // Met one at a time, each ends at its limit before the next: all nine are kept.
    expect(capture(bytes, 0, [{ ranges: [], marks }], [100]).kept).toBe(9 * 50);
  });

  it('holds zeros wherever nothing was asked for', () => {
    const got = capture(Buffer.alloc(10_000, 0xaa), 16, [{ ranges: [[5000, 10]] }], [333]);
    expect(got.kept).toBe(26);
    expect(got.content.subarray(16, 5000).every((byte) => byte === 0)).toBe(true);
    expect(got.content.subarray(5000, 5010).every((byte) => byte === 0xaa)).toBe(true);
  });
});

describe("the binary catalogers' stream plans on this machine's executables", () => {
  /** Every ELF executable of 1 MiB or more in these folders (Debian's Go tools, podman, node…). */
  async function largeExecutables(): Promise<string[]> {
    const found: string[] = [];
    for (const dir of [
      '/usr/bin',
      '/usr/sbin',
      '/usr/lib/go-1.19/bin',
      '/usr/lib/go-1.19/pkg/tool/linux_amd64',
    ]) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const name of names.sort()) {
        const path = join(dir, name);
        const info = await lstat(path);
        if (!info.isFile() || (info.mode & 0o111) === 0 || info.size < PARTIAL_READ_MIN_BYTES)
          continue;
        const head = Buffer.alloc(4);
        const handle = await open(path, 'r');
        await handle.read(head, 0, 4, 0).finally(() => handle.close());
        if (head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) found.push(path);
      }
    }
    return found;
  }

  it('keep, of every large executable, what parses exactly as the whole file', async () => {
    const catalogers = [golangCataloger, rustCataloger];
    const files = await largeExecutables();
    // Go programs from Debian (podman, skopeo, the go tool and its tools) among others.
    expect(files.length).toBeGreaterThan(20);
    let goPrograms = 0;
    let keptBytes = 0;
    let totalBytes = 0;
    for (const path of files) {
      const content = await readFile(path);
      const header = {
        path: path.slice(1),
        type: 'file' as const,
        mode: 0o755,
        size: content.length,
      };
      const head = content.subarray(0, STREAM_HEAD_BYTES);
      const plans = catalogers.map((cataloger) => cataloger.planStream?.(header, head));
      if (plans.some((plan) => plan === undefined)) continue; // read whole: nothing to compare
      const kept = capture(content, head.length, plans as StreamPlan[], [256 * 1024]);
      for (const cataloger of catalogers) {
        const whole = await cataloger.parse({ ...header, content });
        expect(
          await cataloger.parse({ ...header, content: kept.content }),
          `${cataloger.id} ${path}`,
        ).toEqual(whole);
        if (cataloger === golangCataloger && whole.packages) goPrograms += 1;
      }
      keptBytes += kept.kept;
      totalBytes += content.length;
    }
    expect(goPrograms).toBeGreaterThan(10);
    expect(keptBytes).toBeLessThan(totalBytes / 4);
  });
});
