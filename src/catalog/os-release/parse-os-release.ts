/**
 * Parses os-release(5): `KEY=VALUE` lines, values optionally in single or double quotes, with
 * backslash escapes of `"`, `\`, `` ` `` and `$` inside double quotes; `#` starts a comment line.
 */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$/.exec(line);
    const key = match?.groups?.['key'];
    const value = match?.groups?.['value'];
    if (key === undefined || value === undefined) continue;
    out[key] = unquote(value);
  }
  return out;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(?<char>["\\`$])/g, '$<char>');
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1);
  return value;
}
