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

/**
 * The body of a claimed file for the catalogers that want it: read whole, or, for a large file
 * when every one of them can say what it looks at, only those parts: filled in by position in a
 * layer that can be read so (`prefill`), kept as they stream past in a compressed layer
 * (`planStream`). Memory then follows what is parsed, not the size of the image's largest
 * executable.
 */
export async function readClaimed(
  entry: LayerFile,
  catalogers: readonly Cataloger[],
): Promise<ClaimedContent> {
  const scan = entry.scan;
  if (
    scan &&
    entry.size >= PARTIAL_READ_MIN_BYTES &&
    catalogers.every((cataloger) => cataloger.planStream)
  ) {
    const head = await entry.peek(STREAM_HEAD_BYTES);
    const plans = planAll(entry, head, catalogers);
    if (plans) {
      const capture = new StreamCapture(entry.size, head.length, plans);
      await scan((piece, offset) => {
        capture.take(piece, offset);
      });
      return { content: capture.content, bytesRead: capture.kept };
    }
  }
  const readInto = entry.readInto;
  if (
    readInto &&
    entry.size >= PARTIAL_READ_MIN_BYTES &&
    catalogers.every((cataloger) => cataloger.prefill)
  ) {
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
    let partial = true;
    for (const cataloger of catalogers) {
      if (!(await cataloger.prefill?.(file))) {
        partial = false;
        break;
      }
    }
    if (partial) return { content, bytesRead };
  }
  const content = await entry.read();
  return { content, bytesRead: content.length };
}
