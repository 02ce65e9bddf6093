/** How much decompressed data may pass between two young-generation collections. */
export const YOUNG_GC_INTERVAL_BYTES = 8 * 1024 * 1024;

type GcFunction = (options?: { type: 'minor' | 'major' }) => void;

/**
 * Returns a counter that collects V8's young generation every `interval` bytes of decompressed
 * layer data, when the process exposes `gc` (bin/lockyard.js starts Node with `--expose-gc`;
 * elsewhere this does nothing).
 *
 * Why: a decompressor hands out a fresh 256 KB buffer per chunk. Their memory lives outside V8's
 * heap, so V8 only counts it, and collects the old generation once 64 MB more of it has been
 * counted: a gzip layer read that way held ~30 MB of dead chunks at any time. A scavenge (about a
 * millisecond here) frees the chunks that died young, which is nearly all of them.
 */
export function youngGarbageCollector(
  interval: number = YOUNG_GC_INTERVAL_BYTES,
): (bytes: number) => void {
  const gc = (globalThis as { gc?: GcFunction }).gc;
  if (typeof gc !== 'function') return () => undefined;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < interval) return;
    since = 0;
    gc({ type: 'minor' });
  };
}
