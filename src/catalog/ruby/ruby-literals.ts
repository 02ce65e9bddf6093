/**
 * Just enough Ruby literal reading for installed gemspecs: string literals ("x", 'x', %q{x}),
 * optionally `.freeze`d, and arrays of them. Nothing is evaluated.
 */

const PERCENT_PAIRS: Readonly<Record<string, string>> = { '{': '}', '(': ')', '[': ']', '<': '>' };

function unescapeDouble(body: string): string {
  return body.replace(
    /\\(?:u(?<hex>[0-9A-Fa-f]{4})|(?<char>.))/g,
    (_match, hex: string | undefined, char: string | undefined) => {
      if (hex) return String.fromCharCode(Number.parseInt(hex, 16));
      if (char === 'n') return '\n';
      if (char === 't') return '\t';
      return char ?? '';
    },
  );
}

/** Reads one string literal at `start`; returns its value and the index after it. */
export function readString(
  text: string,
  start: number,
): { value: string; end: number } | undefined {
  const open = text[start];
  if (open === '"' || open === "'") {
    let index = start + 1;
    while (index < text.length && text[index] !== open) index += text[index] === '\\' ? 2 : 1;
    if (index >= text.length) return undefined;
    const body = text.slice(start + 1, index);
    return {
      value: open === '"' ? unescapeDouble(body) : body.replace(/\\(?<char>['\\])/g, '$<char>'),
      end: index + 1,
    };
  }
  if (open === '%' && (text[start + 1] === 'q' || text[start + 1] === 'Q')) {
    const close = PERCENT_PAIRS[text[start + 2] ?? ''];
    if (!close) return undefined;
    const end = text.indexOf(close, start + 3);
    return end === -1 ? undefined : { value: text.slice(start + 3, end), end: end + 1 };
  }
  return undefined;
}

function skipFreeze(text: string, index: number): number {
  return text.startsWith('.freeze', index) ? index + '.freeze'.length : index;
}

function skipSpace(text: string, index: number): number {
  let at = index;
  while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at += 1;
  return at;
}

/**
 * The strings of a right-hand side: `"x".freeze` -> [x]; `["a".freeze, "b"]` -> [a, b];
 * `Gem::Version.new("1.0")` -> [1.0]. Anything else (a method call, an interpolation) -> [].
 */
export function readStrings(rhs: string): string[] {
  let text = rhs.trim();
  const wrapped = /^Gem::Version\.new\((?<inner>.*)\)$/.exec(text)?.groups?.['inner'];
  if (wrapped !== undefined) text = wrapped.trim();
  if (text.startsWith('[')) {
    const out: string[] = [];
    let index = skipSpace(text, 1);
    while (index < text.length && text[index] !== ']') {
      const literal = readString(text, index);
      if (!literal) return [];
      out.push(literal.value);
      index = skipSpace(text, skipFreeze(text, literal.end));
      if (text[index] === ',') index = skipSpace(text, index + 1);
    }
    return out;
  }
  const literal = readString(text, 0);
  if (!literal) return [];
  // Interpolated strings ("#{s.name}") cannot be known without evaluating Ruby.
  if (text[0] === '"' && literal.value.includes('#{')) return [];
  return [literal.value];
}
