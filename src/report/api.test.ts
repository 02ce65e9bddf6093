import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { reportFormats } from './api.js';

it('registers every format folder, each under its folder name', async () => {
  const folders = (
    await readdir(join(dirname(fileURLToPath(import.meta.url)), 'formats'), { withFileTypes: true })
  )
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  expect([...reportFormats.keys()].sort()).toEqual(folders);
  for (const [id, format] of reportFormats) {
    expect(format.id).toBe(id);
    expect(format.urls.length).toBeGreaterThan(0);
  }
});
