/** An RPM EVR: `[epoch:]version[-release]`. */
export interface RpmVersion {
  /** 0 when absent: rpm compares a missing epoch as 0. */
  readonly epoch: number;
  readonly version: string;
  /** Undefined when absent. */
  readonly release: string | undefined;
}

const EPOCH = /^(?<epoch>\d*):/;

/**
 * Splits like rpm's rpmverParse / parseEVR: the epoch is the leading digits when a colon follows
 * them (an empty epoch is 0), the release is everything after the last hyphen. rpm builds refuse
 * `-` in a version and whitespace anywhere; we also require non-empty parts and printable ASCII,
 * so that garbage from a feed is an error rather than a silently odd comparison.
 */
export function parseRpmVersion(text: string): RpmVersion | undefined {
  if (text.length === 0 || !printableAscii(text)) return undefined;
  let rest = text;
  let epoch = 0;
  const epochMatch = EPOCH.exec(rest);
  if (epochMatch?.groups) {
    const digits = epochMatch.groups['epoch'] ?? '';
    epoch = digits === '' ? 0 : Number(digits);
    if (!Number.isSafeInteger(epoch)) return undefined;
    rest = rest.slice(epochMatch[0].length);
  }
  const hyphen = rest.lastIndexOf('-');
  const version = hyphen === -1 ? rest : rest.slice(0, hyphen);
  const release = hyphen === -1 ? undefined : rest.slice(hyphen + 1);
  if (version.length === 0 || release === '') return undefined;
  if (version.includes(':') || release?.includes(':')) return undefined;
  return { epoch, version, release };
}

function printableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
