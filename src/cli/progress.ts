import type { CatalogProgress } from '../catalog/index.js';

/**
 * A one-line progress display for a terminal: layers done / total, cached count, entries read
 * in the current layer. Silent when stderr is not a terminal or with --quiet.
 */
export function createCatalogProgress(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
  enabled: boolean,
): {
  onProgress: (event: CatalogProgress) => void;
  onDownload: (event: { digest: string; bytes: number; total: number | undefined }) => void;
  done: () => void;
} {
  if (!enabled || stream.isTTY !== true)
    return { onProgress: () => undefined, onDownload: () => undefined, done: () => undefined };
  const downloads = new Map<string, { bytes: number; total: number }>();
  let total = 0;
  let done = 0;
  let cached = 0;
  const entries = new Map<number, number>();
  let lastDraw = 0;
  const draw = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastDraw < 80) return;
    lastDraw = now;
    const active = [...entries.entries()]
      .map(([index, count]) => `layer ${index + 1}: ${count} entries`)
      .join(', ');
    let got = 0;
    let want = 0;
    for (const d of downloads.values()) {
      got += d.bytes;
      want += d.total;
    }
    const mb = (n: number): string => (n / 1_048_576).toFixed(1);
    const download = want > 0 && got < want ? ` — downloaded ${mb(got)}/${mb(want)} MB` : '';
    stream.write(
      `\r\x1b[2KAnalysing layers ${done}/${total}${cached ? ` (${cached} cached)` : ''}${active ? ` — ${active}` : ''}${download}`,
    );
  };
  return {
    onProgress(event) {
      switch (event.kind) {
        case 'layer-start':
          total = event.total;
          if (!event.cached) entries.set(event.index, 0);
          break;
        case 'layer-entries':
          entries.set(event.index, event.entries);
          break;
        case 'layer-done':
          done += 1;
          if (event.cached) cached += 1;
          entries.delete(event.index);
          break;
      }
      draw(event.kind === 'layer-done');
    },
    onDownload(event) {
      downloads.set(event.digest, { bytes: event.bytes, total: event.total ?? event.bytes });
      draw();
    },
    done() {
      if (lastDraw > 0) stream.write('\r\x1b[2K');
    },
  };
}
