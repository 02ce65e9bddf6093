import { InvalidArgumentError, Option } from 'commander';

/**
 * Format ids for CLI choices, without loading the formats (the CycloneDX library is heavy to
 * import). cli/format-ids.test.ts checks these lists equal what the report registry holds.
 */
export const SBOM_FORMAT_IDS = ['table', 'json', 'cyclonedx', 'spdx'] as const;
export const SCAN_FORMAT_IDS = ['table', 'json', 'cyclonedx', 'sarif'] as const;

/** The names Trivy (`spdx-json`) and Syft (`cyclonedx-json`, `spdx-json`) users type. */
export const FORMAT_ALIASES: Readonly<Record<string, string>> = {
  'spdx-json': 'spdx',
  'cyclonedx-json': 'cyclonedx',
};

/** `-f, --format <format>` over `ids`, accepting the familiar aliases of those ids. */
export function formatOption(ids: readonly string[]): Option {
  const aliases = Object.entries(FORMAT_ALIASES).filter(([, id]) => ids.includes(id));
  const option = new Option(
    '-f, --format <format>',
    `output format: ${ids.join(', ')}${
      aliases.length > 0 ? ` (also ${aliases.map(([alias]) => alias).join(', ')})` : ''
    }`,
  ).default('table');
  return option.argParser((value: string) => {
    const id = FORMAT_ALIASES[value] ?? value;
    if (!ids.includes(id)) {
      throw new InvalidArgumentError(`Allowed choices are ${ids.join(', ')}.`);
    }
    return id;
  });
}
