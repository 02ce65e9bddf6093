import type { Ordering } from '../types.js';
import { DIGIT, END, SUFFIX, type ApkTokens } from './tokens.js';

/**
 * apk_version_compare_blob_fuzzy: walk both token lists in step while types and values agree.
 * A differing value decides; otherwise the longer version is newer unless it continues with a
 * pre-release suffix (`1.0_rc1` < `1.0`). With `fuzzy`, a prefix match counts as equal (`~1.2`).
 */
export function compareApkTokens(a: ApkTokens, b: ApkTokens, fuzzy = false): Ordering {
  let at = DIGIT;
  let bt = DIGIT;
  let av = 0;
  let bv = 0;
  let i = 0;
  while (at === bt && at !== END && av === bv) {
    av = a.values[i] ?? 0;
    at = a.types[i] ?? END;
    bv = b.values[i] ?? 0;
    bt = b.types[i] ?? END;
    i++;
  }
  if (av !== bv) return av < bv ? -1 : 1;
  if (at === bt || fuzzy) return 0;
  // The next token's value tells a pre-release suffix (negative) from a post-release one.
  if (at === SUFFIX && (a.values[i] ?? 0) < 0) return -1;
  if (bt === SUFFIX && (b.values[i] ?? 0) < 0) return 1;
  if (at > bt) return -1;
  if (bt > at) return 1;
  return 0;
}
