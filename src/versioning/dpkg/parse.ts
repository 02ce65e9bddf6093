/** A Debian version: `[epoch:]upstream_version[-debian_revision]` (Debian Policy §5.6.12). */
export interface DpkgVersion {
  readonly epoch: number;
  readonly upstream: string;
  /** Empty when absent; dpkg compares a missing revision as the empty string. */
  readonly revision: string;
}

const EPOCH = /^(?<epoch>\d+):/;
const INT_MAX = 2 ** 31 - 1;

/**
 * Parses like dpkg's parseversion (lib/dpkg/parsehelp.c): the epoch is the digits before the
 * first colon, the revision is everything after the last hyphen. dpkg's hard errors make a
 * version invalid here: empty string or parts, spaces, an epoch that is empty, not a number or
 * above INT_MAX, nothing after the colon, an empty revision. dpkg only *warns* about characters
 * Policy forbids (`1.0_1`) and an upstream part that does not start with a digit, and still
 * compares such versions; so do we, because real status files contain them. Bytes outside
 * printable ASCII are rejected (dpkg would compare them as signed chars; no archive has them).
 */
export function parseDpkgVersion(text: string): DpkgVersion | undefined {
  if (text.length === 0 || !printableAscii(text)) return undefined;
  let rest = text;
  let epoch = 0;
  if (rest.includes(':')) {
    const epochMatch = EPOCH.exec(rest);
    if (!epochMatch?.groups) return undefined;
    epoch = Number(epochMatch.groups['epoch']);
    if (epoch > INT_MAX) return undefined;
    rest = rest.slice(epochMatch[0].length);
    if (rest.length === 0) return undefined;
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen === -1 ? rest : rest.slice(0, hyphen);
  const revision = hyphen === -1 ? '' : rest.slice(hyphen + 1);
  if (upstream.length === 0) return undefined;
  if (hyphen !== -1 && revision.length === 0) return undefined;
  return { epoch, upstream, revision };
}

/** 0x21-0x7e: no spaces (dpkg: "embedded spaces"), no control bytes, no non-ASCII. */
function printableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
