import type { CatalogProgress } from '../catalog/index.js';

/** How often the line is redrawn while layers are read (events alone are too rare on big files). */
const REDRAW_MS = 100;

interface ActiveLayer {
  entries: number;
  readonly size: number | undefined;
  bytesDone?: () => number;
  entriesSeen?: () => number;
}

const mb = (n: number): string => (n / 1_048_576).toFixed(1);

function describeLayer(index: number, layer: ActiveLayer): string {
  const done = layer.bytesDone?.();
  const share =
    done !== undefined && layer.size !== undefined && layer.size > 0
      ? `${Math.min(100, Math.floor((done / layer.size) * 100))}% of ${mb(layer.size)} MB, `
      : '';
  return `layer ${index + 1}: ${share}${layer.entriesSeen?.() ?? layer.entries} entries`;
}

/**
 * A one-line progress display for a terminal: layers done / total, cached count, and for each
 * layer being read how much of its blob is done and how many entries it has shown. Silent when
 * stderr is not a terminal or with --quiet.
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
  const active = new Map<number, ActiveLayer>();
  let lastDraw = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastDraw < 80) return;
    lastDraw = now;
    const layers = [...active.entries()]
      .map(([index, layer]) => describeLayer(index, layer))
      .join(', ');
    let got = 0;
    let want = 0;
    for (const d of downloads.values()) {
      got += d.bytes;
      want += d.total;
    }
    const download = want > 0 && got < want ? ` — downloaded ${mb(got)}/${mb(want)} MB` : '';
    stream.write(
      `\r\x1b[2KAnalysing layers ${done}/${total}${cached ? ` (${cached} cached)` : ''}${layers ? ` — ${layers}` : ''}${download}`,
    );
  };
  const stopTimer = (): void => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    onProgress(event) {
      switch (event.kind) {
        case 'layer-start':
          total = event.total;
          if (!event.cached) active.set(event.index, { entries: 0, size: event.size });
          break;
        case 'layer-open': {
          const layer = active.get(event.index);
          if (layer) {
            layer.bytesDone = event.bytesDone;
            layer.entriesSeen = event.entriesSeen;
          }
          // A 2 GB layer can go seconds between entries: redraw on a clock while one is open.
          timer ??= setInterval(() => {
            draw();
          }, REDRAW_MS).unref();
          break;
        }
        case 'layer-entries': {
          const layer = active.get(event.index);
          if (layer) layer.entries = event.entries;
          break;
        }
        case 'layer-done':
          done += 1;
          if (event.cached) cached += 1;
          active.delete(event.index);
          if (active.size === 0) stopTimer();
          break;
      }
      draw(event.kind === 'layer-done');
    },
    onDownload(event) {
      downloads.set(event.digest, { bytes: event.bytes, total: event.total ?? event.bytes });
      draw();
    },
    done() {
      stopTimer();
      if (lastDraw > 0) stream.write('\r\x1b[2K');
    },
  };
}
