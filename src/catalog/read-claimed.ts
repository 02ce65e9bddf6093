import type { LayerFile } from '../oci/index.js';
import {
  PARTIAL_READ_MIN_BYTES,
  STREAM_HEAD_BYTES,
  type Cataloger,
  type PartialFile,
  type StreamPlan,
} from './cataloger.js';
import { StreamCapture } from './stream-capture.js';

export interface ClaimedContent {
  readonly content: Buffer;
  /** Bytes actually read from the layer (less than the file's size when read partly). */
  readonly bytesRead: number;
}

/** Every cataloger's plan for a large streamed file, or undefined if one of them needs it whole. */
function planAll(
  entry: LayerFile,
  head: Buffer,
  catalogers: readonly Cataloger[],
): StreamPlan[] | undefined {
  const plans: StreamPlan[] = [];
  for (const cataloger of catalogers) {
    const plan = cataloger.planStream?.(entry, head);
    if (!plan) return undefined;
    plans.push(plan);
  }
  return plans;
}

/** The parts the catalogers fill in by position, or undefined when one of them needs it whole. */
async function filledByPosition(
  entry: LayerFile,
  readInto: NonNullable<LayerFile['readInto']>,
  catalogers: readonly Cataloger[],
): Promise<ClaimedContent | undefined> {
  // Zero-filled, so pages never filled in are never touched (nor resident).
  const content = Buffer.alloc(entry.size);
  let bytesRead = 0;
  const file: PartialFile = {
    path: entry.path,
    type: entry.type,
    mode: entry.mode,
    size: entry.size,
    content,
    async fill(offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) return;
      const start = Math.max(0, offset);
      const end = Math.min(entry.size, offset + length);
      if (end <= start) return;
      await readInto(content, start, end - start);
      bytesRead += end - start;
    },
  };
  for (const cataloger of catalogers) {
    if (!(await cataloger.prefill?.(file))) return undefined;
  }
  return { content, bytesRead };
}

/** The parts the catalogers' plans keep as the body streams past, or undefined without plans. */
async function keptFromStream(
  entry: LayerFile,
  scan: NonNullable<LayerFile['scan']>,
  catalogers: readonly Cataloger[],
): Promise<ClaimedContent | undefined> {
  const head = await entry.peek(STREAM_HEAD_BYTES);
  const plans = planAll(entry, head, catalogers);
  if (!plans) return undefined;
  const capture = new StreamCapture(entry.size, head.length, plans);
  await scan((piece, offset) => {
    capture.take(piece, offset);
  });
  return { content: capture.content, bytesRead: capture.kept };
}

/**
 * The body of a claimed file for the catalogers that want it: read whole, or, for a large file
 * when every one of them can say what it looks at, only those parts: filled in by position where
 * the body lies uncompressed in a file (`prefill`), else kept as they stream past in a compressed
 * layer (`planStream`). Memory then follows what is parsed, not the size of the image's largest
 * executable or archive.
 */
export async function readClaimed(
  entry: LayerFile,
  catalogers: readonly Cataloger[],
): Promise<ClaimedContent> {
  if (entry.size >= PARTIAL_READ_MIN_BYTES) {
    const { readInto, scan } = entry;
    const partial =
      readInto && catalogers.every((cataloger) => cataloger.prefill)
        ? await filledByPosition(entry, readInto, catalogers)
        : scan && catalogers.every((cataloger) => cataloger.planStream)
          ? await keptFromStream(entry, scan, catalogers)
          : undefined;
    if (partial) return partial;
  }
  const content = await entry.read();
  return { content, bytesRead: content.length };
}
