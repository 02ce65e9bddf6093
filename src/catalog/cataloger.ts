import type { EntryType } from '../oci/index.js';
import type { FileFinding } from './file-finding.js';
import type { OsInfo, Package, PackageRecord, PackageType } from './types.js';

/** What a cataloger sees before deciding to claim a file: the tar header, never the bytes. */
export interface FileHeader {
  readonly path: string;
  readonly type: EntryType;
  readonly mode: number;
  readonly size: number;
}

export interface ClaimedFile extends FileHeader {
  readonly content: Buffer;
}

/**
 * A large claimed file in a layer that can be read by position, before it is parsed: `content`
 * has the file's size and holds zeros wherever nothing has been filled in yet (the pages are not
 * even allocated), and `fill` reads a range of the file into it.
 */
export interface PartialFile extends FileHeader {
  readonly content: Buffer;
  /** Reads bytes [offset, offset + length) of the file into `content`, clamped to the file. */
  fill(offset: number, length: number): Promise<void>;
}

/**
 * What a cataloger keeps of a large claimed file that a compressed layer streams past once
 * (`Cataloger.planStream`): byte ranges known from the file's head, and marks, byte strings whose
 * every occurrence keeps the bytes that follow it (for data whose place only becomes known after
 * it has passed). The head itself is always kept.
 */
export interface StreamPlan {
  /** [offset, length] ranges of the file. */
  readonly ranges: readonly (readonly [number, number])[];
  readonly marks?: readonly StreamMark[] | undefined;
}

export interface StreamMark {
  readonly bytes: Buffer;
  /** How many bytes to keep from the start of each occurrence (at most). */
  readonly keep: number;
  /** Stop keeping once these bytes have been kept (the end of a framed string). */
  readonly until?: Buffer | undefined;
}

/**
 * Facts about an OS package that live in a file of their own: its file list (dpkg
 * `info/<pkg>.list`, distroless `status.d/<pkg>.md5sums`) or its licences (dpkg
 * `usr/share/doc/<pkg>/copyright`). Finalize joins them to the package of that type and name.
 */
export interface FileOwnerList {
  readonly type: PackageType;
  readonly packageName: string;
  readonly files: readonly string[];
  /** Licences for a package whose database record names none. */
  readonly licenses?: readonly string[] | undefined;
}

/**
 * Requirements that a package keeps in a file beside its metadata (an egg-info folder's
 * `requires.txt`). Finalize adds them to the package this cataloger parsed from the file at
 * `path`, in the image as squashed.
 */
export interface RequirementsFor {
  readonly path: string;
  readonly requires: readonly (readonly string[])[];
}

export interface ParseResult {
  readonly packages?: readonly PackageRecord[];
  readonly requirementsFor?: readonly RequirementsFor[];
  readonly os?: OsInfo;
  readonly fileOwners?: readonly FileOwnerList[];
  /** Findings about the file itself (secrets, permission bits), kept per layer, not squashed. */
  readonly findings?: readonly FileFinding[];
  /** Problems with the file's content: recorded and reported, never thrown. */
  readonly warnings?: readonly string[];
}

/**
 * One ecosystem's cataloger. It claims files by header up front (so the layer pass buffers only
 * those), then parses each claimed file on its own: bytes in, records out, no I/O. Cross-file
 * facts (OS, ownership, distro qualifiers) are joined after the layers are squashed.
 */
export interface Cataloger {
  /** Equals the cataloger's folder name. */
  readonly id: string;
  readonly displayName: string;
  /** The format specifications this cataloger follows. */
  readonly urls: readonly string[];
  readonly packageTypes: readonly PackageType[];
  /** Bumped when parsing changes, so cached layer results are recomputed. */
  readonly version: number;
  claims(file: FileHeader): boolean;
  /**
   * Optional second look for claims made on a broad pattern (every executable): given the first
   * HEAD_BYTES of a claimed file, whether its whole body is needed. Lets the layer pass skip,
   * without copying, the scripts and JavaScript files that merely have an execute bit.
   */
  wants?(file: FileHeader, head: Buffer): boolean;
  /**
   * Optional, for catalogers that look at a few parts of large files (an executable's build-info
   * section): fills the parts `parse` will read and returns true, or returns false to have the
   * whole file read. Used only for files of PARTIAL_READ_MIN_BYTES or more in layers that can be
   * read by position, and only when every cataloger that wants the file has it; `parse` then
   * gets the partly filled `content`, so it must not look beyond what it filled.
   */
  readonly prefill?: ((file: PartialFile) => Promise<boolean>) | undefined;
  /**
   * Optional, the same for a large file in a compressed layer, which can only be read once, in
   * order: given the file's first STREAM_HEAD_BYTES, what `parse` will look at (undefined: the
   * whole file). Used only when every cataloger that wants the file has one; `parse` then gets a
   * `content` holding the head and what the plans kept, zeros elsewhere.
   */
  readonly planStream?: ((file: FileHeader, head: Buffer) => StreamPlan | undefined) | undefined;
  parse(file: ClaimedFile): ParseResult | Promise<ParseResult>;
  /**
   * An optional cross-file step over the finalized packages of the whole image (e.g. npm drops a
   * lockfile's entry when the same package is installed under that project's node_modules).
   */
  refine?(packages: readonly Package[]): Package[];
  /**
   * Optional: which of the packages that carry a required name meets the requirement of one of
   * this cataloger's packages, where the default does not fit (an OS package's dependency is
   * anywhere in the image, a language package's in the same file). npm follows Node's
   * node_modules lookup. See `dependencies.ts`.
   */
  pickDependency?: DependencyPicker | undefined;
}

/** What a picker may ask of the image. */
export interface PickContext {
  /** The path with every symlinked directory in it resolved inside the image (pnpm's layout). */
  readonly realPath: (path: string) => string;
}

/** Chooses, among the packages named by a requirement (never the dependent), the one it uses. */
export type DependencyPicker = (
  dependent: Package,
  candidates: readonly Package[],
  context: PickContext,
) => Package | undefined;

export function defineCataloger(cataloger: Cataloger): Cataloger {
  return cataloger;
}

/** Claimed files this large are read partly when every claimer can `prefill` (see Cataloger). */
export const PARTIAL_READ_MIN_BYTES = 1024 * 1024;

/** How much of a large streamed file `Cataloger.planStream` sees before it decides. */
export const STREAM_HEAD_BYTES = 64 * 1024;

/** How much of a claimed file `Cataloger.wants` sees. */
export const HEAD_BYTES = 64;

export const EXECUTE_BITS = 0o111;

export function isExecutableFile(file: FileHeader): boolean {
  return file.type === 'file' && (file.mode & EXECUTE_BITS) !== 0 && file.size > 0;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
