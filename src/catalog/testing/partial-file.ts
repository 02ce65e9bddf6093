import type { FileHeader, PartialFile } from '../cataloger.js';

export interface TestPartialFile {
  readonly file: PartialFile;
  /** Bytes filled in so far (overlapping fills counted once). */
  readonly filled: () => number;
}

/** A PartialFile over bytes in memory, as analyze-layer builds one over a seekable layer. */
export function partialFileOf(header: FileHeader, whole: Buffer): TestPartialFile {
  const content = Buffer.alloc(whole.length);
  const marked = new Uint8Array(whole.length);
  return {
    file: {
      ...header,
      size: whole.length,
      content,
      fill(offset, length) {
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length))
          return Promise.resolve();
        const start = Math.max(0, offset);
        const end = Math.min(whole.length, offset + length);
        if (end > start) {
          whole.copy(content, start, start, end);
          marked.fill(1, start, end);
        }
        return Promise.resolve();
      },
    },
    filled: () => marked.reduce((sum, byte) => sum + byte, 0),
  };
}
