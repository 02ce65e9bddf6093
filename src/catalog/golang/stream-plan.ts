import type { FileHeader, StreamPlan } from '../cataloger.js';
import { PF_W, PT_LOAD, readElfHead } from '../internal/elf/index.js';

/** More writable data than this and the file is read whole (a Go binary has a few MiB). */
const MAX_DATA_BYTES = 32 * 1024 * 1024;
/** Longest pre-1.18 module info kept (it lists modules only: ~100 bytes per module). */
const MAX_POINTED_MODINFO = 1024 * 1024;
/** Enough for any toolchain version string (`go1.17.13 X:boringcrypto`, `devel go1.17-…`). */
const MAX_POINTED_VERSION = 256;
/**
 * Kept before the section header table: where the system linkers (GNU ld, lld) put the section
 * names. A larger table (or names section) than the limit below is not kept.
 */
const NAMES_WINDOW = 64 * 1024;
const MAX_SECTION_TABLE = 4 * 1024 * 1024;

/** cmd/go's modinfo sentinels (modload.infoStart, infoEnd). */
const MODINFO_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const MODINFO_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

/**
 * What `readGoBuildInfo` looks at in a large executable that a compressed layer streams past:
 * every writable segment's file image, which holds the `.go.buildinfo` section (the build info
 * header, and since Go 1.18 the strings after it) and, before Go 1.18, the string headers it
 * points at; the section header table with the names before it. Those point back at string bytes in read-only data that a stream has passed by the
 * time the header is read, so in a file the Go linker made (its build ID note is in the head) the
 * bytes after every toolchain version prefix and module info sentinel are kept as they pass.
 */
export function planBuildInfo(_file: FileHeader, head: Buffer): StreamPlan | undefined {
  const elf = readElfHead(head);
  if (!elf) return undefined;
  const ranges: [number, number][] = [];
  let total = 0;
  for (const segment of elf.segments) {
    if (segment.type !== PT_LOAD || (segment.flags & PF_W) === 0) continue;
    ranges.push([segment.offset, segment.filesz]);
    total += segment.filesz;
  }
  if (!(total <= MAX_DATA_BYTES)) return undefined;
  // The section headers and their names, so `.go.buildinfo` is found by name as in a file read
  // whole: a system linker may put it in a later writable segment than the first (lld keeps the
  // RELRO part apart), where the search without sections (Go's own fallback) would not look.
  const table = elf.sectionTable;
  if (table && table[1] <= MAX_SECTION_TABLE) {
    const start = Math.max(0, table[0] - NAMES_WINDOW);
    ranges.push([start, table[0] + table[1] - start]);
  }
  // The Go linker writes the table into the head and the names further on (PIE binaries keep
  // .go.buildinfo in their second writable segment too).
  const names = elf.sectionNames;
  if (names && names[1] <= MAX_SECTION_TABLE) ranges.push([names[0], names[1]]);
  if (!elf.goBuildId) return { ranges };
  return {
    ranges,
    marks: [
      { bytes: Buffer.from('go1.'), keep: MAX_POINTED_VERSION },
      { bytes: Buffer.from('devel '), keep: MAX_POINTED_VERSION },
      { bytes: MODINFO_START, keep: MAX_POINTED_MODINFO, until: MODINFO_END },
    ],
  };
}
