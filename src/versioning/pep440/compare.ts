import type { Ordering } from '../types.js';
import type { Pep440Version } from './parse.js';

function compareDigits(a: string, b: string): Ordering {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Release segments compare as if trailing zeros were removed: 1.0 == 1.0.0. */
function compareRelease(a: readonly string[], b: readonly string[]): Ordering {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const order = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}

const PRE_RANK = { a: 0, b: 1, rc: 2 } as const;

/**
 * packaging's _cmpkey for the pre-release slot: a dev release with no pre or post part sorts
 * before every pre-release of its release (1.0.dev0 < 1.0a1), and a final release after them.
 */
function preKey(v: Pep440Version): number {
  if (v.pre) return 0;
  if (v.post === undefined && v.dev !== undefined) return -1;
  return 1;
}

function comparePre(a: Pep440Version, b: Pep440Version): Ordering {
  const ka = preKey(a);
  const kb = preKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (!a.pre || !b.pre) return 0;
  if (a.pre.label !== b.pre.label) return PRE_RANK[a.pre.label] < PRE_RANK[b.pre.label] ? -1 : 1;
  return compareDigits(a.pre.number, b.pre.number);
}

/** Absent post sorts first; absent dev sorts last. */
function compareOptional(
  a: string | undefined,
  b: string | undefined,
  absentFirst: boolean,
): Ordering {
  if (a === undefined || b === undefined) {
    if (a === b) return 0;
    return (a === undefined) === absentFirst ? -1 : 1;
  }
  return compareDigits(a, b);
}

/** Local labels: absent first; part by part, numbers above strings; a longer label wins a tie. */
function compareLocal(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
): Ordering {
  if (!a || !b) return a === b ? 0 : a ? 1 : -1;
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn !== yn) return xn ? 1 : -1;
    const order = xn ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (order !== 0) return order;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** PEP 440 ordering: epoch, release, pre, post, dev, local. */
export function comparePep440Versions(a: Pep440Version, b: Pep440Version): Ordering {
  return (
    compareDigits(a.epoch, b.epoch) ||
    compareRelease(a.release, b.release) ||
    comparePre(a, b) ||
    compareOptional(a.post, b.post, true) ||
    compareOptional(a.dev, b.dev, false) ||
    compareLocal(a.local, b.local)
  );
}
