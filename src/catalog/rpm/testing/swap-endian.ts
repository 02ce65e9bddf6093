/**
 * Rewrites a little-endian Berkeley DB hash file as the big-endian file the same database would
 * be on s390x or ppc64 (UBI images for those): the byte swaps rpm's `bdb_ro.c` undoes when it
 * reads a "swapped" database, applied in the other direction. Item bytes (keys, header blobs)
 * are opaque to Berkeley DB and stay as they are.
 */
export function toBigEndianHashDb(file: Buffer): Buffer {
  const out = Buffer.from(file);
  const swap32 = (at: number): void => {
    out.writeUInt32BE(file.readUInt32LE(at), at);
  };
  const swap16 = (at: number): void => {
    out.writeUInt16BE(file.readUInt16LE(at), at);
  };
  // Metadata page: 32-bit fields from byte 8 to 224, except bytes 24-27 (four single bytes).
  for (let at = 8; at < 224; at += 4) if (at !== 24) swap32(at);
  const pageSize = file.readUInt32LE(20);
  for (let start = pageSize; start + pageSize <= file.length; start += pageSize) {
    swap32(start + 8);
    swap32(start + 12);
    swap32(start + 16);
    swap16(start + 20);
    swap16(start + 22);
    const type = file[start + 25];
    if (type !== 2 && type !== 13) continue;
    const entries = file.readUInt16LE(start + 20);
    for (let i = 0; i < entries; i += 1) {
      const indexAt = start + 26 + i * 2;
      swap16(indexAt);
      const offset = file.readUInt16LE(indexAt);
      if (offset + 12 <= pageSize && file[start + offset] === 3) {
        swap32(start + offset + 4);
        swap32(start + offset + 8);
      }
    }
  }
  return out;
}
