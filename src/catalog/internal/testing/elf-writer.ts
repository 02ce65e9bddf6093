/**
 * A minimal ELF writer for tests (gABI file header + section header table + .shstrtab), for
 * 32/64-bit and either byte order. It places each section's bytes after the header and can
 * write headers that lie. Never used by production code.
 */

export interface ElfSectionSpec {
  readonly name: string;
  readonly data: Uint8Array;
  readonly type?: number;
  readonly flags?: number;
  /** Overrides the offset written to the header (the bytes are still placed normally). */
  readonly offset?: number;
  /** Overrides the size written to the header. */
  readonly size?: number;
}

export interface ElfSpec {
  readonly is64?: boolean;
  readonly littleEndian?: boolean;
  readonly sections: readonly ElfSectionSpec[];
}

const SHT_PROGBITS = 1;
const SHT_STRTAB = 3;

export function buildElf(spec: ElfSpec): Buffer {
  const is64 = spec.is64 ?? true;
  const le = spec.littleEndian ?? true;
  const headerSize = is64 ? 64 : 52;
  const entrySize = is64 ? 64 : 40;
  const names: number[] = [];
  let strtab = Buffer.from([0]);
  const nameOffset = (name: string): number => {
    const at = strtab.length;
    strtab = Buffer.concat([strtab, Buffer.from(`${name}\0`, 'latin1')]);
    return at;
  };
  const sections = [
    ...spec.sections.map((s) => ({ ...s, type: s.type ?? SHT_PROGBITS })),
    { name: '.shstrtab', data: new Uint8Array(), type: SHT_STRTAB },
  ];
  for (const section of sections) names.push(nameOffset(section.name));
  const bodies = sections.map((section, i) =>
    i === sections.length - 1 ? strtab : Buffer.from(section.data),
  );
  const offsets: number[] = [];
  let cursor = headerSize;
  for (const body of bodies) {
    offsets.push(cursor);
    cursor += body.length;
  }
  const shoff = cursor + ((8 - (cursor % 8)) % 8);
  const out = Buffer.alloc(shoff + entrySize * (sections.length + 1));
  const u16 = (v: number, at: number): number =>
    le ? out.writeUInt16LE(v, at) : out.writeUInt16BE(v, at);
  const u32 = (v: number, at: number): number =>
    le ? out.writeUInt32LE(v, at) : out.writeUInt32BE(v, at);
  const word = (v: number, at: number): number =>
    is64
      ? le
        ? out.writeBigUInt64LE(BigInt(v), at)
        : out.writeBigUInt64BE(BigInt(v), at)
      : u32(v, at);
  out.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1], 0);
  u16(2, 16); // ET_EXEC
  u16(is64 ? 62 : 3, 18); // x86-64 / i386
  u32(1, 20);
  word(shoff, is64 ? 40 : 32);
  u16(headerSize, is64 ? 52 : 40);
  u16(is64 ? 56 : 32, is64 ? 54 : 42);
  u16(entrySize, is64 ? 58 : 46);
  u16(sections.length + 1, is64 ? 60 : 48);
  u16(sections.length, is64 ? 62 : 50);
  sections.forEach((section, i) => {
    const body = bodies[i] ?? Buffer.alloc(0);
    out.set(body, offsets[i] ?? 0);
    const at = shoff + entrySize * (i + 1);
    u32(names[i] ?? 0, at);
    u32(section.type, at + 4);
    const offset =
      'offset' in section && section.offset !== undefined ? section.offset : (offsets[i] ?? 0);
    const size = 'size' in section && section.size !== undefined ? section.size : body.length;
    const flags = 'flags' in section && section.flags !== undefined ? section.flags : 0;
    if (is64) {
      word(flags, at + 8);
      word(offset, at + 24);
      word(size, at + 32);
    } else {
      u32(flags, at + 8);
      u32(offset, at + 16);
      u32(size, at + 20);
    }
  });
  return out;
}
