import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/index.js';
import type { CliContext } from './context.js';
import { writeOutput } from './output.js';

const dir = useTempDir();
const context = { stdout: process.stdout } as unknown as CliContext;

describe('writeOutput', () => {
  it('replaces a regular file and creates missing folders', async () => {
    const target = join(dir, 'a', 'b', 'report.json');
    await writeOutput(context, target, 'one');
    await writeOutput(context, target, 'two');
    expect(await readFile(target, 'utf8')).toBe('two');
  });

  it('writes into an existing FIFO (like /dev/null or /dev/stdout) instead of replacing it', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const chunks: Buffer[] = [];
    const read = new Promise<void>((resolve, reject) => {
      createReadStream(fifo)
        .on('data', (chunk) => chunks.push(chunk as Buffer))
        .on('end', resolve)
        .on('error', reject);
    });
    await writeOutput(context, fifo, 'report');
    await read;
    expect(Buffer.concat(chunks).toString('utf8')).toBe('report');
    expect((await stat(fifo)).isFIFO()).toBe(true);
  });

  it('leaves no temporary file next to the report', async () => {
    const target = join(dir, 'c.json');
    await writeFile(target, 'old');
    await writeOutput(context, target, 'new');
    expect((await readdir(dir)).filter((name) => name.startsWith('c.json'))).toEqual(['c.json']);
  });
});
