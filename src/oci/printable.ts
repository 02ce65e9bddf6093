const UNSAFE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/**
 * Untrusted text (tar entry names, registry error messages) made safe for a one-line message:
 * control and bidi characters escaped, length capped. A file named "a\nb" must not forge a
 * second line in a log or terminal.
 */
export function printable(value: string, max = 300): string {
  const escaped = value.replace(UNSAFE, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    if (char === '\t') return '\\t';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}
