import { baseName, defineCataloger, type FileHeader, type ParseResult } from '../cataloger.js';
import {
  fillElfHeaders,
  findSection,
  isElf,
  mayBeElfExecutable,
  parseElf,
  readElfHead,
} from '../internal/elf/index.js';
import { AUDITABLE_SECTION, readAuditableData } from './auditable.js';
import { parseCargoLock } from './cargo-lock.js';

/**
 * Cargo's download caches under CARGO_HOME hold the sources of dependencies, some with their own
 * development Cargo.lock: those describe how a crate was developed, not what the image runs.
 */
const CARGO_CACHE = /(?:^|\/)\.?cargo\/(?:registry|git)\//;

/** A larger unloaded tail (debug information, symbols) and the file is read whole. */
const MAX_TAIL_BYTES = 16 * 1024 * 1024;

/** By name whatever the entry type, so an upper layer's link or deletion hides a lower lockfile. */
function isCargoLock(file: FileHeader): boolean {
  return baseName(file.path) === 'Cargo.lock' && !CARGO_CACHE.test(file.path);
}

/** Rust crates: cargo-auditable data in executables, and Cargo.lock files. */
export const rustCataloger = defineCataloger({
  id: 'rust',
  displayName: 'Rust crates (cargo-auditable binaries, Cargo.lock)',
  urls: [
    'https://github.com/rust-secure-code/cargo-auditable/blob/master/PARSING.md',
    'https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html',
    'https://github.com/package-url/purl-spec/blob/main/types-doc/cargo-definition.md',
  ],
  packageTypes: ['cargo'],
  version: 2,
  claims: (file) => isCargoLock(file) || mayBeElfExecutable(file),
  // An executable's body is read only when it starts as an ELF file does.
  wants: (file, head) => isCargoLock(file) || isElf(head),
  // Of a large executable only the headers and the `.dep-v0` section are read (a Cargo.lock whole).
  async prefill(file) {
    const elf = await fillElfHeaders(file);
    if (!elf) return false;
    const section = findSection(elf, AUDITABLE_SECTION);
    if (section) await file.fill(section.offset, section.size);
    return true;
  },
  // In a compressed layer: `.dep-v0` is not loaded (cargo-auditable), so it lies with the section
  // headers in the tail after the last loaded segment, whose place the program headers give.
  planStream(file, head) {
    if (isCargoLock(file)) return undefined;
    const elf = readElfHead(head);
    if (!elf) return undefined;
    // The Go linker makes no Rust program; a file without section headers has no `.dep-v0`.
    if (elf.goBuildId || !elf.sectionTable) return { ranges: [] };
    const tail = file.size - elf.loadedEnd;
    if (elf.sectionTable[0] < elf.loadedEnd || tail > MAX_TAIL_BYTES) return undefined;
    return { ranges: [[elf.loadedEnd, tail]] };
  },
  parse(file): ParseResult {
    if (baseName(file.path) === 'Cargo.lock' && !isElf(file.content))
      return parseCargoLock(file.content);
    if (!isElf(file.content)) return {};
    const parsed = parseElf(file.content);
    // An unreadable ELF header is reported once, by the Go cataloger, which claims the same files.
    if (!parsed.ok) return {};
    return readAuditableData(file.content, parsed.elf) ?? {};
  },
});
