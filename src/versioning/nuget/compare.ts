import type { Ordering } from '../types.js';
import type { NuGetVersion } from './parse.js';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/** C#'s int.TryParse as VersionComparer uses it on a label (a label like `-1` parses as -1). */
function labelNumber(label: string): number | undefined {
  if (!/^-?\d+$/.test(label)) return undefined;
  const n = Number(label);
  return n >= INT32_MIN && n <= INT32_MAX ? n : undefined;
}

function compareNumbers(a: number, b: number): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** StringComparer.OrdinalIgnoreCase on ASCII labels: compare upper-cased code units. */
function compareIgnoreCase(a: string, b: string): Ordering {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** VersionComparer.CompareRelease: numbers by value and before text; text case-insensitively. */
function compareLabel(a: string, b: string): Ordering {
  const x = labelNumber(a);
  const y = labelNumber(b);
  if (x !== undefined && y !== undefined) return compareNumbers(x, y);
  if (x !== undefined || y !== undefined) return x !== undefined ? -1 : 1;
  return compareIgnoreCase(a, b);
}

/**
 * VersionComparer.Default: the four numbers, then a release above its prereleases, then labels
 * one by one (more labels win a tie). Metadata is ignored.
 */
export function compareNuGetVersions(a: NuGetVersion, b: NuGetVersion): Ordering {
  for (let i = 0; i < 4; i++) {
    const order = compareNumbers(a.numbers[i] ?? 0, b.numbers[i] ?? 0);
    if (order !== 0) return order;
  }
  if (a.labels.length === 0 || b.labels.length === 0) {
    return a.labels.length === b.labels.length ? 0 : a.labels.length === 0 ? 1 : -1;
  }
  const shared = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < shared; i++) {
    const order = compareLabel(a.labels[i] ?? '', b.labels[i] ?? '');
    if (order !== 0) return order;
  }
  return compareNumbers(a.labels.length, b.labels.length);
}
