/**
 * Go's strconv.Unquote for the quoted keys and values of `build` lines: a raw string in
 * backquotes, or a double-quoted string with Go escapes (\a \b \f \n \r \t \v \\ \" \' \xNN,
 * octal \NNN, \uNNNN, \UNNNNNNNN). Returns undefined for malformed input.
 */

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

export function unquoteGo(quoted: string): string | undefined {
  if (quoted.length < 2) return undefined;
  const quote = quoted[0];
  if (quoted[quoted.length - 1] !== quote) return undefined;
  const body = quoted.slice(1, -1);
  if (quote === '`') return body.includes('`') ? undefined : body.replaceAll('\r', '');
  if (quote !== '"') return undefined;
  const bytes: number[] = [];
  const pushText = (text: string): void => {
    bytes.push(...Buffer.from(text, 'utf8'));
  };
  for (let i = 0; i < body.length;) {
    const char = body[i] ?? '';
    if (char === '"' || char === '\n') return undefined;
    if (char !== '\\') {
      const codePoint = body.codePointAt(i) ?? 0;
      const text = String.fromCodePoint(codePoint);
      pushText(text);
      i += text.length;
      continue;
    }
    const kind = body[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      pushText(simple);
      i += 2;
      continue;
    }
    const hexLength = HEX_LENGTH[kind];
    if (hexLength !== undefined) {
      const digits = body.slice(i + 2, i + 2 + hexLength);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hexLength) return undefined;
      const value = Number.parseInt(digits, 16);
      // \x is one byte; \u and \U are code points (surrogates and values past U+10FFFF are invalid).
      if (kind === 'x') bytes.push(value);
      else if (value > 0x10ffff || (value >= 0xd800 && value < 0xe000)) return undefined;
      else pushText(String.fromCodePoint(value));
      i += 2 + hexLength;
      continue;
    }
    const octal = body.slice(i + 1, i + 4);
    if (/^[0-7]{3}$/.test(octal)) {
      const value = Number.parseInt(octal, 8);
      if (value > 255) return undefined;
      bytes.push(value);
      i += 4;
      continue;
    }
    return undefined;
  }
  return Buffer.from(bytes).toString('utf8');
}
