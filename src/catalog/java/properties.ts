/**
 * java.util.Properties.load(InputStream) (https://docs.oracle.com/javase/8/docs/api/java/util/Properties.html#load-java.io.Reader-):
 * ISO-8859-1 text; `#`/`!` comment lines; a line ending in an odd number of backslashes continues
 * on the next (whose leading white space is dropped); the key ends at the first unescaped `=`,
 * `:` or white space; escapes \t \n \r \f \uXXXX, and `\c` for any other c. Maven's archiver
 * writes pom.properties in this format.
 */

const WHITESPACE = new Set([' ', '\t', '\f']);

function unescape(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] ?? '';
    if (char !== '\\' || i === text.length - 1) {
      out += char;
      continue;
    }
    i += 1;
    const next = text[i] ?? '';
    if (next === 'u') {
      const hex = text.slice(i + 1, i + 5);
      // Java throws on a malformed \u escape; keeping the text as it is serves a reader better.
      if (/^[0-9a-fA-F]{4}$/.test(hex)) {
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 4;
      } else {
        out += 'u';
      }
      continue;
    }
    out += { t: '\t', n: '\n', r: '\r', f: '\f' }[next] ?? next;
  }
  return out;
}

/** Joins continuation lines into logical lines (comment and blank lines dropped). */
function logicalLines(text: string): string[] {
  const physical = text.split(/\r\n|\r|\n/);
  const lines: string[] = [];
  let pending: string | undefined;
  for (const raw of physical) {
    // Leading white space goes from every line, continuation lines included.
    const line = raw.replace(/^[ \t\f]+/, '');
    if (pending === undefined && (line === '' || line.startsWith('#') || line.startsWith('!')))
      continue;
    const trailing = /\\*$/.exec(line)?.[0].length ?? 0;
    const continues = trailing % 2 === 1;
    const body = continues ? line.slice(0, -1) : line;
    pending = (pending ?? '') + body;
    if (!continues) {
      lines.push(pending);
      pending = undefined;
    }
  }
  if (pending !== undefined) lines.push(pending);
  return lines;
}

export function parseProperties(bytes: Buffer): Map<string, string> {
  const properties = new Map<string, string>();
  for (const line of logicalLines(bytes.toString('latin1'))) {
    let keyEnd = 0;
    while (keyEnd < line.length) {
      const char = line[keyEnd] ?? '';
      if (char === '\\') keyEnd += 2;
      else if (char === '=' || char === ':' || WHITESPACE.has(char)) break;
      else keyEnd += 1;
    }
    let valueStart = keyEnd;
    while (WHITESPACE.has(line[valueStart] ?? '')) valueStart += 1;
    if (line[valueStart] === '=' || line[valueStart] === ':') valueStart += 1;
    while (WHITESPACE.has(line[valueStart] ?? '')) valueStart += 1;
    properties.set(
      unescape(line.slice(0, Math.min(keyEnd, line.length))),
      unescape(line.slice(valueStart)),
    );
  }
  return properties;
}
