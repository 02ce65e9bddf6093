/**
 * Format ids for CLI choices, without loading the formats (the CycloneDX library is heavy to
 * import). cli/format-ids.test.ts checks these lists equal what the report registry holds.
 */
export const SBOM_FORMAT_IDS = ['table', 'json', 'cyclonedx', 'spdx'] as const;
export const SCAN_FORMAT_IDS = ['table', 'json', 'cyclonedx', 'sarif'] as const;
