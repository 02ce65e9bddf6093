import { readFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../../testing/index.js';
import { buildElf } from '../testing/index.js';
import {
  findSection,
  isElf,
  parseElf,
  PT_LOAD,
  readAtAddress,
  sectionBytes,
  sectionContents,
  SHF_COMPRESSED,
  type ElfImage,
} from './index.js';

function parsed(bytes: Buffer): ElfImage {
  const result = parseElf(bytes);
  if (!result.ok) throw new Error(result.reason);
  return result.elf;
}

describe('ELF header reader', () => {
  it.each([
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ])('reads section names and bytes (64-bit %s, little-endian %s)', (is64, littleEndian) => {
    const elf = buildElf({
      is64,
      littleEndian,
      sections: [
        { name: '.text', data: Buffer.from('code') },
        { name: '.dep-v0', data: Buffer.from('audit data') },
      ],
    });
    const image = parsed(elf);
    expect(image.is64).toBe(is64);
    expect(image.littleEndian).toBe(littleEndian);
    expect(image.sections.map((s) => s.name)).toEqual(['', '.text', '.dep-v0', '.shstrtab']);
    const section = findSection(image, '.dep-v0');
    expect(section && sectionBytes(elf, section)).toEqual({
      ok: true,
      data: Buffer.from('audit data'),
    });
    expect(image.problems).toEqual([]);
  });

  it('decompresses an SHF_COMPRESSED zlib section (Elf64_Chdr)', () => {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(1, 0); // ELFCOMPRESS_ZLIB
    header.writeBigUInt64LE(5n, 8);
    const elf = buildElf({
      sections: [
        {
          name: '.dep-v0',
          data: Buffer.concat([header, deflateSync('hello')]),
          flags: SHF_COMPRESSED,
        },
      ],
    });
    const image = parsed(elf);
    const section = findSection(image, '.dep-v0');
    expect(section && sectionContents(elf, image, section, 1024)).toEqual({
      ok: true,
      data: Buffer.from('hello'),
    });
  });

  it('maps virtual addresses through PT_LOAD segments of a real binary', async () => {
    const bytes = await readFile(sharedFixture('pkgdb', 'go', 'trivy', 'test.elf'));
    const image = parsed(bytes);
    const load = image.segments.find((s) => s.type === PT_LOAD && s.filesz > 16);
    expect(load).toBeDefined();
    expect(readAtAddress(bytes, image, load!.vaddr + 4, 8)).toEqual(
      bytes.subarray(load!.offset + 4, load!.offset + 12),
    );
    expect(readAtAddress(bytes, image, load!.vaddr + load!.filesz - 2, 8)?.length).toBe(2);
    expect(readAtAddress(bytes, image, 0x10, 8)).toBeUndefined();
  });

  it('rejects what is not ELF or has a truncated header, and reports bad tables without dropping the rest', async () => {
    expect(isElf(Buffer.from('#!/bin/sh\n'))).toBe(false);
    expect(parseElf(Buffer.from('\x7fELF\x02\x01\x01', 'latin1'))).toEqual({
      ok: false,
      reason: 'not an ELF file',
    });
    expect(
      parseElf(Buffer.concat([Buffer.from('\x7fELF\x03\x01\x01', 'latin1'), Buffer.alloc(60)])),
    ).toEqual({ ok: false, reason: 'unknown ELF class 3' });
    const bytes = Buffer.from(await readFile(sharedFixture('pkgdb', 'go', 'trivy', 'test.elf')));
    bytes.writeBigUInt64LE(0xffffffffffffffffn, 40); // e_shoff beyond 2^53
    const image = parsed(bytes);
    expect(image.sections).toEqual([]);
    expect(image.segments.length).toBeGreaterThan(0);
    expect(image.problems).toEqual(['section headers lie outside the file']);
  });

  it('uses gABI extended section numbering (e_shnum 0, count in section 0)', () => {
    const elf = buildElf({ sections: [{ name: '.a', data: Buffer.from('x') }] });
    const shoff = Number(elf.readBigUInt64LE(40));
    const count = elf.readUInt16LE(60);
    const strndx = elf.readUInt16LE(62);
    elf.writeUInt16LE(0, 60);
    elf.writeUInt16LE(0xffff, 62);
    elf.writeBigUInt64LE(BigInt(count), shoff + 32); // section 0 sh_size
    elf.writeUInt32LE(strndx, shoff + 40); // section 0 sh_link
    expect(parsed(elf).sections.map((s) => s.name)).toEqual(['', '.a', '.shstrtab']);
  });
});
