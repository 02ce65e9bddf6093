/**
 * The token machine of apk-tools' version.c (Gentoo-style versions:
 * `{digit}{.digit}...{letter}{_suffix{#}}...{-r#}`), re-implemented over a string.
 */
export const DIGIT_OR_ZERO = 0;
export const DIGIT = 1;
export const LETTER = 2;
export const SUFFIX = 3;
export const SUFFIX_NO = 4;
export const REVISION_NO = 5;
export const END = 6;
export const INVALID = -1;

/** Token values in order, and the type of the token that follows each one. */
export interface ApkTokens {
  readonly values: readonly number[];
  readonly types: readonly number[];
}

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

/** next_token: the type of the token at `pos`, and where it starts. */
function nextToken(type: number, text: string, pos: number): [number, number] {
  let n = INVALID;
  let p = pos;
  const c = text.charCodeAt(p);
  if (p >= text.length) n = END;
  else if ((type === DIGIT || type === DIGIT_OR_ZERO) && isLower(c)) n = LETTER;
  else if (type === LETTER && isDigit(c)) n = DIGIT;
  else if (type === SUFFIX && isDigit(c)) n = SUFFIX_NO;
  else {
    if (c === 0x2e) n = DIGIT_OR_ZERO;
    else if (c === 0x5f) n = SUFFIX;
    else if (c === 0x2d && text.charCodeAt(p + 1) === 0x72) {
      n = REVISION_NO;
      p++;
    }
    p++;
  }
  // Tokens only move forward, except `.` after a number, `_` after a suffix number, a digit after a letter.
  if (
    n < type &&
    !(
      (n === DIGIT_OR_ZERO && type === DIGIT) ||
      (n === SUFFIX && type === SUFFIX_NO) ||
      (n === DIGIT && type === LETTER)
    )
  )
    n = INVALID;
  return [n, p];
}

function startsWithAt(text: string, pos: number, word: string): boolean {
  return text.startsWith(word, pos);
}

/** get_token: reads one token of `type` at `pos`; returns [value, next type, next position]. */
function getToken(type: number, text: string, pos: number): [number, number, number] {
  if (pos >= text.length) return [0, END, pos];
  let i = pos;
  let v = 0;
  let forcedNext = INVALID;
  switch (type) {
    case DIGIT_OR_ZERO:
      // Leading zeros count as a negative value, so 1.02 < 1.2 and 1.0 < 1.00.
      if (text.charCodeAt(i) === 0x30) {
        while (i < text.length && text.charCodeAt(i) === 0x30) i++;
        v = -(i - pos);
        forcedNext = DIGIT;
        break;
      }
      while (i < text.length && isDigit(text.charCodeAt(i)))
        v = v * 10 + text.charCodeAt(i++) - 0x30;
      break;
    case DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      while (i < text.length && isDigit(text.charCodeAt(i)))
        v = v * 10 + text.charCodeAt(i++) - 0x30;
      break;
    case LETTER:
      v = text.charCodeAt(i++);
      break;
    case SUFFIX: {
      const pre = PRE_SUFFIXES.findIndex((s) => startsWithAt(text, i, s));
      if (pre !== -1) {
        v = pre - PRE_SUFFIXES.length;
        i += PRE_SUFFIXES[pre]?.length ?? 0;
        break;
      }
      const post = POST_SUFFIXES.findIndex((s) => startsWithAt(text, i, s));
      if (post === -1) return [0, INVALID, i];
      v = post;
      i += POST_SUFFIXES[post]?.length ?? 0;
      break;
    }
    default:
      return [0, INVALID, i];
  }
  if (i >= text.length) return [v, END, i];
  if (forcedNext !== INVALID) return [v, forcedNext, i];
  const [next, p] = nextToken(type, text, i);
  return [v, next, p];
}

/** All tokens of a version, or undefined when apk_version_validate would reject it. */
export function tokenize(text: string): ApkTokens | undefined {
  const values: number[] = [];
  const types: number[] = [];
  let type = DIGIT;
  let pos = 0;
  while (type !== END && type !== INVALID) {
    const [v, next, p] = getToken(type, text, pos);
    values.push(v);
    types.push(next);
    type = next;
    pos = p;
  }
  return type === END ? { values, types } : undefined;
}
