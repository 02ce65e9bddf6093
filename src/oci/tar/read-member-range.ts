import type { FileHandle } from 'node:fs/promises';
import { TarFormatError } from './tar-stream-reader.js';

/** Where a member's data lies in a file, and how much of it there is. */
export interface MemberData {
  /** Offset of the data's first byte in the file. */
  readonly fileOffset: number;
  readonly size: number;
}

/**
 * Copies bytes [offset, offset + length) of a member's data from the file into the same range of
 * `target`. A range outside the member is a programming error; a file that ends first is a
 * truncated archive, reported with the offset where data was missing.
 */
export async function readMemberRange(
  file: FileHandle,
  member: MemberData,
  target: Buffer,
  offset: number,
  length: number,
): Promise<void> {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > member.size ||
    offset + length > target.length
  ) {
    throw new RangeError(
      `body range ${offset}+${length} is outside the member's ${member.size} bytes`,
    );
  }
  let done = 0;
  while (done < length) {
    const at = member.fileOffset + offset + done;
    const { bytesRead } = await file.read(target, offset + done, length - done, at);
    if (bytesRead === 0) throw new TarFormatError('unexpected end of archive inside a member', at);
    done += bytesRead;
  }
}
