/** A segment: a number (digit string without leading zeros) or a run of letters. */
export type GemSegment =
  | { readonly kind: 'number'; readonly value: string }
  | { readonly kind: 'string'; readonly value: string };

export interface GemVersion {
  /** As RubyGems stores it: stripped, `-` replaced by `.pre.`. */
  readonly version: string;
  readonly segments: readonly GemSegment[];
  /** Release and prerelease parts, each without trailing zeros (Gem::Version#canonical_segments). */
  readonly canonical: readonly GemSegment[];
  readonly prerelease: boolean;
}

// Gem::Version::ANCHORED_VERSION_PATTERN; Ruby's \s is [ \t\r\n\f\v].
const PATTERN =
  /^[ \t\r\n\f\v]*(?<v>[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)[ \t\r\n\f\v]*$/;
const SEGMENT = /[0-9]+|[a-z]+/gi;

function dropTrailingZeros(segments: readonly GemSegment[]): GemSegment[] {
  const out = [...segments];
  while (
    out.length > 0 &&
    out[out.length - 1]?.kind === 'number' &&
    out[out.length - 1]?.value === '0'
  )
    out.pop();
  return out;
}

/**
 * Parses like Gem::Version.new: digits-and-letters segments split on dots, `-` meaning `.pre.`.
 * RubyGems reads an empty string as version 0; here it is invalid, because an empty version in
 * an SBOM or advisory is missing data, not version 0.
 */
export function parseGemVersion(text: string): GemVersion | undefined {
  const match = PATTERN.exec(text)?.groups?.['v'];
  if (match === undefined) return undefined;
  const version = match.replace(/-/g, '.pre.');
  const segments: GemSegment[] = [];
  for (const m of version.matchAll(SEGMENT)) {
    const s = m[0];
    segments.push(
      /^\d/.test(s)
        ? { kind: 'number', value: s.replace(/^0+(?=\d)/, '') }
        : { kind: 'string', value: s },
    );
  }
  const firstString = segments.findIndex((s) => s.kind === 'string');
  const release = firstString === -1 ? segments : segments.slice(0, firstString);
  const pre = firstString === -1 ? [] : segments.slice(firstString);
  const canonical = [...dropTrailingZeros(release), ...dropTrailingZeros(pre)];
  return { version, segments, canonical, prerelease: /[a-zA-Z]/.test(version) };
}

/** Gem::Version#release: the version without its trailing prerelease segments. */
export function releaseOf(v: GemVersion): GemVersion {
  if (!v.prerelease) return v;
  const segments = [...v.segments];
  while (segments.some((s) => s.kind === 'string')) segments.pop();
  return fromNumbers(segments.map((s) => s.value));
}

/** Gem::Version#bump: drop prerelease segments and the last number, then increment the new last. */
export function bumpOf(v: GemVersion): GemVersion {
  const segments = [...v.segments];
  while (segments.some((s) => s.kind === 'string')) segments.pop();
  if (segments.length > 1) segments.pop();
  const numbers = segments.map((s) => s.value);
  const last = numbers.length - 1;
  numbers[last] = (BigInt(numbers[last] ?? '0') + 1n).toString();
  return fromNumbers(numbers);
}

function fromNumbers(numbers: readonly string[]): GemVersion {
  const parsed = parseGemVersion(numbers.length === 0 ? '0' : numbers.join('.'));
  if (!parsed) throw new Error(`internal: ${numbers.join('.')} did not parse`);
  return parsed;
}
