import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { catalogers } from './api.js';

/** Folders under catalog/ that are framework, not catalogers. */
const NOT_CATALOGERS = new Set(['testing', 'internal']);

it('registers every cataloger folder, each under its folder name', async () => {
  const folders = (await readdir(dirname(fileURLToPath(import.meta.url)), { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !NOT_CATALOGERS.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  expect([...catalogers.keys()].sort()).toEqual(folders);
  for (const [id, cataloger] of catalogers) {
    expect(cataloger.id).toBe(id);
    expect(join('catalog', id)).toBeTruthy();
  }
});
