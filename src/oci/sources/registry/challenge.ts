/** One challenge of a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`. */
export interface Challenge {
  /** Lower-cased scheme (`basic`, `bearer`, …). */
  readonly scheme: string;
  /** Parameters with lower-cased names. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * Parses a `WWW-Authenticate` header value (RFC 9110 §11.6.1): one or more challenges, each a
 * scheme followed by comma-separated `name=value` parameters whose values are tokens or quoted
 * strings with backslash escapes. Commas separate both parameters and challenges, so a new
 * challenge starts where a token is not followed by `=`. Malformed tails are dropped rather than
 * failing: the registry's status code still tells the story.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let rest = header;
  const skip = (pattern: RegExp): void => {
    rest = rest.replace(pattern, '');
  };
  for (;;) {
    skip(/^[\s,]+/);
    const scheme = TOKEN.exec(rest)?.[0];
    if (!scheme) break;
    rest = rest.slice(scheme.length);
    const current = { scheme: scheme.toLowerCase(), params: {} as Record<string, string> };
    challenges.push(current);
    for (;;) {
      skip(/^[\s,]+/);
      const name = TOKEN.exec(rest)?.[0];
      if (!name) break;
      const afterName = rest.slice(name.length).replace(/^\s*/, '');
      // token68 (`Basic abc==`) or the next challenge's scheme: not a parameter.
      if (!afterName.startsWith('=') || afterName.startsWith('==')) break;
      rest = afterName.slice(1).replace(/^\s*/, '');
      let value: string;
      if (rest.startsWith('"')) {
        const parsed = readQuoted(rest);
        if (!parsed) return challenges;
        value = parsed.value;
        rest = parsed.rest;
      } else {
        value = TOKEN.exec(rest)?.[0] ?? '';
        rest = rest.slice(value.length);
      }
      current.params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}

function readQuoted(text: string): { value: string; rest: string } | undefined {
  let value = '';
  for (let index = 1; index < text.length; index += 1) {
    const char = text[index];
    if (char === '\\') {
      index += 1;
      value += text[index] ?? '';
      continue;
    }
    if (char === '"') return { value, rest: text.slice(index + 1) };
    value += char ?? '';
  }
  return undefined;
}
