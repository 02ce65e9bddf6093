import type { Ordering } from '../types.js';

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

const TILDE = 0x7e;
const CARET = 0x5e;

/** A separator is anything but ASCII alphanumerics, `~` and `^` (rpm's risalnum is ASCII-only). */
function isSeparator(c: number): boolean {
  return !isDigit(c) && !isAlpha(c) && c !== TILDE && c !== CARET;
}

/**
 * rpm's rpmvercmp (rpmio/rpmvercmp.c, rpm 4.18) over one version or release string: segments of
 * digits or letters, separators ignored, numbers compared by value, a number newer than letters,
 * `~` older than anything (even the end), `^` newer than the end but older than anything else.
 */
export function rpmvercmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && isSeparator(a.charCodeAt(i))) i++;
    while (j < b.length && isSeparator(b.charCodeAt(j))) j++;
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === CARET || cb === CARET) {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.length || j >= b.length) break;

    const numeric = isDigit(ca);
    const inSegment = numeric ? isDigit : isAlpha;
    let ea = i;
    let eb = j;
    while (ea < a.length && inSegment(a.charCodeAt(ea))) ea++;
    while (eb < b.length && inSegment(b.charCodeAt(eb))) eb++;
    // Different segment types: the other side's segment is empty; a number beats letters.
    if (eb === j) return numeric ? 1 : -1;

    let sa = a.slice(i, ea);
    let sb = b.slice(j, eb);
    if (numeric) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ea;
    j = eb;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}
