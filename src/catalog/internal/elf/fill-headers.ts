import type { PartialFile } from '../../cataloger.js';
import { isElf, parseElf, type ElfImage } from './read-elf.js';

const SHN_XINDEX = 0xffff;

/**
 * Fills in what `parseElf` reads of a partly read file (the ELF header, the program and section
 * header tables, the section-name string table) and parses it. Undefined when the file is not
 * ELF or its header is unreadable: then the caller reads the whole file.
 */
export async function fillElfHeaders(file: PartialFile): Promise<ElfImage | undefined> {
  const buf = file.content;
  await file.fill(0, 64);
  if (!isElf(buf) || buf.length < 52) return undefined;
  const is64 = buf[4] === 2;
  const le = buf[5] === 1;
  if ((buf[4] !== 1 && !is64) || (buf[5] !== 2 && !le)) return undefined;
  const fits = (at: number, size: number): boolean =>
    Number.isSafeInteger(at) && at >= 0 && at + size <= buf.length;
  const u16 = (at: number): number => (le ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
  const u32 = (at: number): number => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const word = (at: number): number => {
    if (!is64) return u32(at);
    const value = le ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at);
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : Number.NaN;
  };
  const phoff = word(is64 ? 32 : 28);
  const shoff = word(is64 ? 40 : 32);
  const base = is64 ? 54 : 42;
  const [phentsize, phnum, shentsize, shnum, shstrndx] = [0, 2, 4, 6, 8].map((delta) =>
    u16(base + delta),
  ) as [number, number, number, number, number];
  await file.fill(phoff, phentsize * phnum);
  // Section 0 first: with extended numbering it holds the real count and string table index.
  const [sizeField, linkField, offsetField] = is64 ? [32, 40, 24] : [20, 24, 16];
  if (shoff > 0 && shentsize >= (is64 ? 64 : 40) && fits(shoff, shentsize)) {
    await file.fill(shoff, shentsize);
    const count = shnum === 0 ? word(shoff + sizeField) : shnum;
    const strIndex = shstrndx === SHN_XINDEX ? u32(shoff + linkField) : shstrndx;
    if (Number.isSafeInteger(count) && fits(shoff, shentsize * count)) {
      await file.fill(shoff, shentsize * count);
      const strtab = shoff + strIndex * shentsize;
      if (strIndex < count) await file.fill(word(strtab + offsetField), word(strtab + sizeField));
    }
  }
  const parsed = parseElf(buf);
  return parsed.ok ? parsed.elf : undefined;
}
