import { expect, it } from 'vitest';
import { sbomFormats, scanFormats } from '../report/index.js';
import { SBOM_FORMAT_IDS, SCAN_FORMAT_IDS } from './format-ids.js';

it('keeps the CLI format choices equal to the report registry', () => {
  expect([...SBOM_FORMAT_IDS].sort()).toEqual([...sbomFormats.keys()].sort());
  expect([...SCAN_FORMAT_IDS].sort()).toEqual([...scanFormats.keys()].sort());
});
