import type { Ordering } from '../types.js';

/**
 * PHP's version_compare (ext/standard/versioning.c), which Composer's constraints use on
 * normalized versions: parts split at `.`, `-`, `_`, `+` and digit/non-digit boundaries;
 * numbers compare by value; words rank any-other < dev < alpha = a < beta = b < RC = rc < (a
 * number) < pl = p, matched by prefix as PHP's strncmp does (`patch` ranks as `p`).
 */
const FORMS: readonly (readonly [string, number])[] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function formRank(part: string): number {
  for (const [name, rank] of FORMS) if (part.startsWith(name)) return rank;
  return -1;
}

export function splitVersion(version: string): string[] {
  return version
    .replace(/[-_+]/g, '.')
    .replace(/(?<=\d)(?=[^\d.])|(?<=[^\d.])(?=\d)/g, '.')
    .replace(/[^0-9A-Za-z#.]/g, '.')
    .split('.')
    .filter((p) => p.length > 0);
}

function isNumber(part: string): boolean {
  return part.charCodeAt(0) >= 0x30 && part.charCodeAt(0) <= 0x39;
}

function compareNumberParts(a: string, b: string): Ordering {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function comparePart(a: string, b: string): Ordering {
  const an = isNumber(a);
  const bn = isNumber(b);
  if (an && bn) return compareNumberParts(a, b);
  const ra = an ? 4 : formRank(a);
  const rb = bn ? 4 : formRank(b);
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** version_compare over already split parts. */
export function phpVersionCompare(a: readonly string[], b: readonly string[]): Ordering {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const order = comparePart(a[i] ?? '', b[i] ?? '');
    if (order !== 0) return order;
  }
  if (a.length === b.length) return 0;
  // The longer side's next part decides: a number wins, a word is ranked against "#".
  const longerIsA = a.length > b.length;
  const next = (longerIsA ? a[shared] : b[shared]) ?? '';
  const order: Ordering = isNumber(next) ? 1 : formRank(next) < 4 ? -1 : formRank(next) > 4 ? 1 : 0;
  return longerIsA ? order : ((-order || 0) as Ordering);
}
