import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createCatalogProgress } from './progress.js';

function terminal(): PassThrough & { isTTY: boolean; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; text: () => string };
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.isTTY = true;
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  return stream;
}

describe('progress display', () => {
  it('shows layers done, cached layers, entries read and download progress on a terminal, then clears', () => {
    const stream = terminal();
    const progress = createCatalogProgress(stream, true);
    progress.onProgress({ kind: 'layer-start', index: 0, total: 2, size: 10, cached: true });
    progress.onProgress({ kind: 'layer-done', index: 0, cached: true });
    progress.onProgress({ kind: 'layer-start', index: 1, total: 2, size: 10, cached: false });
    progress.onDownload({ digest: 'sha256:a', bytes: 1_048_576, total: 4_194_304 });
    progress.onProgress({ kind: 'layer-done', index: 1, cached: false });
    progress.done();
    const text = stream.text();
    expect(text).toContain('Analysing layers 1/2 (1 cached)');
    expect(text).toContain('downloaded 1.0/4.0 MB');
    expect(text).toContain('Analysing layers 2/2 (1 cached)');
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('shows how much of an open layer is read, redrawn on a clock between entries', () => {
    vi.useFakeTimers();
    try {
      const stream = terminal();
      const progress = createCatalogProgress(stream, true);
      let bytes = 0;
      let entries = 0;
      const size = 200 * 1_048_576;
      progress.onProgress({ kind: 'layer-start', index: 0, total: 1, size, cached: false });
      progress.onProgress({
        kind: 'layer-open',
        index: 0,
        bytesDone: () => bytes,
        entriesSeen: () => entries,
      });
      vi.advanceTimersByTime(250);
      expect(stream.text()).toContain('layer 1: 0% of 200.0 MB, 0 entries');
      bytes = 50 * 1_048_576;
      vi.advanceTimersByTime(250);
      expect(stream.text()).toContain('layer 1: 25% of 200.0 MB, 0 entries');
      entries = 17;
      bytes = size;
      vi.advanceTimersByTime(250);
      expect(stream.text()).toContain('layer 1: 100% of 200.0 MB, 17 entries');
      progress.onProgress({ kind: 'layer-done', index: 0, cached: false });
      progress.done();
      // Nothing is drawn once the layers are done: the clock has stopped.
      const final = stream.text();
      vi.advanceTimersByTime(1000);
      expect(stream.text()).toBe(final);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes nothing when not a terminal, or when quiet', () => {
    const pipe = terminal();
    pipe.isTTY = false;
    const quiet = terminal();
    for (const [stream, enabled] of [
      [pipe, true],
      [quiet, false],
    ] as const) {
      const progress = createCatalogProgress(stream, enabled);
      progress.onProgress({ kind: 'layer-start', index: 0, total: 1, size: 1, cached: false });
      progress.onProgress({ kind: 'layer-done', index: 0, cached: false });
      progress.done();
      expect(stream.text()).toBe('');
    }
  });
});
