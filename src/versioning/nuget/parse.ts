/** A NuGet version: 1 to 4 numbers (System.Version), SemVer 2 release labels, metadata. */
export interface NuGetVersion {
  /** Major, minor, patch, revision; missing parts are 0. */
  readonly numbers: readonly [number, number, number, number];
  readonly labels: readonly string[];
  readonly metadata: string;
  /** The normalized form nuget.org shows: revision only when non-zero, labels and metadata kept. */
  readonly normalized: string;
}

const INT32_MAX = 2_147_483_647;
const PART = /^[0-9A-Za-z-]+$/;

/**
 * NuGet.Versioning's IsValidPart: non-empty, letters/digits/hyphen; with `allowLeadingZeros`
 * false, an all-digit label may not start with 0 (`01` no, `0` and `0a` yes).
 */
function isValidPart(part: string, allowLeadingZeros: boolean): boolean {
  if (!PART.test(part)) return false;
  return allowLeadingZeros || !/^0\d+$/.test(part);
}

/**
 * Parses like NuGetVersion.TryParse (NuGet.Versioning): the string is trimmed; the version part is
 * 1-4 dot-separated numbers (a single number gets `.0` appended, as System.Version needs two),
 * each within Int32; labels after the first `-`, metadata after the first `+`. System.Version's
 * tolerance of signs and inner whitespace in numbers is not copied: only digits are accepted.
 */
export function parseNuGetVersion(text: string): NuGetVersion | undefined {
  const value = text.trim();
  if (value.length === 0) return undefined;
  const plus = value.indexOf('+');
  const beforeMetadata = plus === -1 ? value : value.slice(0, plus);
  const metadata = plus === -1 ? '' : value.slice(plus + 1);
  const dash = beforeMetadata.indexOf('-');
  const versionPart = dash === -1 ? beforeMetadata : beforeMetadata.slice(0, dash);
  const labels = dash === -1 ? [] : beforeMetadata.slice(dash + 1).split('.');
  if (plus !== -1 && !metadata.split('.').every((p) => isValidPart(p, true))) return undefined;
  if (!labels.every((l) => isValidPart(l, false))) return undefined;
  const parts = versionPart.split('.');
  if (parts.length > 4 || !parts.every((p) => /^\d+$/.test(p))) return undefined;
  const values = parts.map(Number);
  if (values.some((n) => n > INT32_MAX)) return undefined;
  const numbers: [number, number, number, number] = [
    values[0] ?? 0,
    values[1] ?? 0,
    values[2] ?? 0,
    values[3] ?? 0,
  ];
  let normalized = numbers.slice(0, numbers[3] > 0 ? 4 : 3).join('.');
  if (labels.length > 0) normalized += `-${labels.join('.')}`;
  if (metadata) normalized += `+${metadata}`;
  return { numbers, labels, metadata, normalized };
}
