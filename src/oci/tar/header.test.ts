import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE, parseHeaderBlock } from './header.js';

/** A ustar header for `name` whose checksum field holds `checksum(block)`. */
function header(name: string, checksum: (block: Buffer) => number): Buffer {
  const block = Buffer.alloc(BLOCK_SIZE);
  block.write(name, 0, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write('00000000005\0', 124, 'latin1');
  block.write('0', 156, 'latin1');
  block.write('ustar\x0000', 257, 'latin1');
  block.fill(0x20, 148, 156);
  block.write(`${checksum(block).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

const unsignedSum = (block: Buffer): number => block.reduce((sum, byte) => sum + byte, 0);
const signedSum = (block: Buffer): number =>
  block.reduce((sum, byte) => sum + (byte > 127 ? byte - 256 : byte), 0);

describe('parseHeaderBlock checksum', () => {
  // "café/naïve.txt" in UTF-8 has bytes of 0x80 and more, where the two sums differ.
  const name = 'café/naïve.txt';

  it('accepts the unsigned sum (POSIX) and the signed sum (old Sun and GNU tars)', () => {
    expect(unsignedSum(header(name, unsignedSum))).not.toBe(signedSum(header(name, signedSum)));
    for (const sum of [unsignedSum, signedSum]) {
      const parsed = parseHeaderBlock(header(name, sum), 0);
      expect(parsed).toMatchObject({ name, size: 5, typeflag: '0', mode: 0o644 });
    }
  });

  it('refuses a checksum that is neither, and a damaged block', () => {
    expect(
      parseHeaderBlock(
        header(name, (block) => unsignedSum(block) + 1),
        0,
      ),
    ).toBe('bad header checksum');
    const damaged = header(name, unsignedSum);
    damaged[300] = 0x41;
    expect(parseHeaderBlock(damaged, 0)).toBe('bad header checksum');
  });

  it('reads a header at an offset inside a larger buffer', () => {
    const buffer = Buffer.concat([Buffer.alloc(BLOCK_SIZE, 0x55), header(name, signedSum)]);
    expect(parseHeaderBlock(buffer, BLOCK_SIZE)).toMatchObject({ name, size: 5 });
  });

  it('sums the same in memory aligned to 4 bytes or not, with every byte at its maximum', () => {
    // Bytes of 0xff wherever a header allows them: the word-wise sum's lanes at their fullest.
    const full = (block: Buffer): Buffer => {
      block.fill(0xff, 20, 100);
      block.fill(0xff, 265, BLOCK_SIZE);
      return block;
    };
    const good = header(name, (block) => unsignedSum(full(block)));
    const bad = header(name, (block) => unsignedSum(full(block)) - 1);
    for (const shift of [0, 1, 2, 3, 4]) {
      const place = (block: Buffer): Buffer => {
        const buffer = Buffer.alloc(BLOCK_SIZE + 8);
        block.copy(buffer, shift);
        return buffer;
      };
      expect(parseHeaderBlock(place(good), shift)).toMatchObject({ size: 5, typeflag: '0' });
      expect(parseHeaderBlock(place(bad), shift)).toBe('bad header checksum');
    }
  });
});
