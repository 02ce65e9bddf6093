/**
 * Python core metadata (https://packaging.python.org/en/latest/specifications/core-metadata/):
 * RFC 822 style `Key: value` headers up to the first blank line, continuation lines starting
 * with whitespace; the body after the blank line is the long description and is ignored.
 */

/** Header names to their values in order (`Classifier` repeats). Keys are matched case-insensitively. */
export type Headers = ReadonlyMap<string, readonly string[]>;

/** More headers than any real METADATA has: past this the file is not metadata. */
const MAX_HEADERS = 10_000;

const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]*: /;

/** After a blank line in a Description: is the next non-blank line indented text or a header? */
function descriptionGoesOn(lines: readonly string[], from: number): boolean {
  for (let index = from; index < lines.length && index < from + 100; index += 1) {
    const line = lines[index] ?? '';
    if (line.trim() === '') continue;
    return line[0] === ' ' || line[0] === '\t' || HEADER_LINE.test(line);
  }
  return false;
}

export function parseHeaders(text: string): { headers: Headers; problems: string[] } {
  const headers = new Map<string, string[]>();
  const problems: string[] = [];
  let last: { key: string; values: string[] } | undefined;
  let count = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').replace(/\r$/, '');
    // An empty line ends the headers, except inside a folded 1.x `Description`: old setuptools
    // wrote blank lines into it, and the headers (Classifier, ...) go on after it.
    if (line.trim() === '') {
      if (last?.key === 'description' && descriptionGoesOn(lines, index + 1)) continue;
      break;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      // A folded continuation of the previous header (multi-line License and Description).
      if (last) {
        const at = last.values.length - 1;
        last.values[at] = `${last.values[at] ?? ''}\n${line.trim()}`;
      }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push(`line ${index + 1}: not a "Key: value" header`);
      last = undefined;
      continue;
    }
    count += 1;
    if (count > MAX_HEADERS) {
      problems.push(`more than ${MAX_HEADERS} headers, rest ignored`);
      break;
    }
    const key = line.slice(0, colon).trim().toLowerCase();
    const values = headers.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(key, values);
    last = { key, values };
  }
  return { headers, problems };
}

export function first(headers: Headers, key: string): string | undefined {
  const value = headers.get(key.toLowerCase())?.[0];
  return value === undefined || value === '' ? undefined : value;
}

/** PEP 503 normalized name: lower case, runs of `-`, `_` and `.` become one `-`. The purl uses it. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** PEP 508's distribution name at the start of a requirement: `requests[socks] (>=2) ; …`. */
const REQUIREMENT_NAME = /^\s*(?<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/u;

/** The normalized name a PEP 508 requirement line asks for; undefined when it names none. */
export function requirementName(requirement: string): string | undefined {
  const name = REQUIREMENT_NAME.exec(requirement)?.groups?.['name'];
  return name === undefined ? undefined : normalizePythonName(name);
}
