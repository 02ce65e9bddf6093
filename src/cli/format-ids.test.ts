import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { sbomFormats, scanFormats } from '../report/index.js';
import { FORMAT_ALIASES, formatOption, SBOM_FORMAT_IDS, SCAN_FORMAT_IDS } from './format-ids.js';

it('keeps the CLI format choices equal to the report registry', () => {
  expect([...SBOM_FORMAT_IDS].sort()).toEqual([...sbomFormats.keys()].sort());
  expect([...SCAN_FORMAT_IDS].sort()).toEqual([...scanFormats.keys()].sort());
  for (const id of Object.values(FORMAT_ALIASES)) expect(sbomFormats.has(id)).toBe(true);
});

describe('formatOption', () => {
  function parse(ids: readonly string[], args: string[]): { format?: string; error?: string } {
    let error: string | undefined;
    const command = new Command()
      .exitOverride()
      .configureOutput({ writeErr: (text) => (error = text), writeOut: () => undefined })
      .addOption(formatOption(ids));
    try {
      command.parse(args, { from: 'user' });
    } catch {
      return { error: error ?? 'no message' };
    }
    return { format: command.opts<{ format: string }>().format };
  }

  it('takes an id, a familiar alias of one, and defaults to table', () => {
    expect(parse(SBOM_FORMAT_IDS, ['-f', 'spdx'])).toEqual({ format: 'spdx' });
    expect(parse(SBOM_FORMAT_IDS, ['--format', 'spdx-json'])).toEqual({ format: 'spdx' });
    expect(parse(SBOM_FORMAT_IDS, ['-f', 'cyclonedx-json'])).toEqual({ format: 'cyclonedx' });
    expect(parse(SBOM_FORMAT_IDS, [])).toEqual({ format: 'table' });
  });

  it('refuses other names with the list of choices', () => {
    expect(parse(SBOM_FORMAT_IDS, ['-f', 'xml']).error).toMatch(
      /argument 'xml' is invalid\. Allowed choices are table, json, cyclonedx, spdx\./,
    );
    // The scan formats have no SPDX output, so its alias is refused there too.
    expect(parse(SCAN_FORMAT_IDS, ['-f', 'spdx-json']).error).toMatch(/Allowed choices are/);
    expect(formatOption(SCAN_FORMAT_IDS).description).not.toMatch(/spdx-json/);
    expect(formatOption(SBOM_FORMAT_IDS).description).toMatch(/also spdx-json, cyclonedx-json/);
  });
});
