import type { LayerFile } from '../oci/index.js';
import { PARTIAL_READ_MIN_BYTES, type Cataloger, type PartialFile } from './cataloger.js';

export interface ClaimedContent {
  readonly content: Buffer;
  /** Bytes actually read from the layer (less than the file's size when read partly). */
  readonly bytesRead: number;
}

/**
 * The body of a claimed file for the catalogers that want it: read whole, or, for a large file in
 * a layer that can be read by position when every one of them can `prefill`, only the parts they
 * fill in. Memory then follows what is parsed, not the size of the image's largest executable.
 */
export async function readClaimed(
  entry: LayerFile,
  catalogers: readonly Cataloger[],
): Promise<ClaimedContent> {
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
