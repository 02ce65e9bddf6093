/** One paragraph of a deb822 control file, field names lower-cased (they are case-insensitive). */
export interface Stanza {
  readonly fields: ReadonlyMap<string, string>;
  /** 1-based line of the paragraph's first field, for warnings. */
  readonly line: number;
}

export interface ParsedStanzas {
  readonly stanzas: readonly Stanza[];
  readonly warnings: readonly string[];
}

/**
 * Splits a deb822 file (dpkg `status`, `status.d/*`, DEP-5 copyright) into paragraphs: `Field:
 * value` lines, continuation lines starting with a space or tab, paragraphs separated by lines
 * that are empty or whitespace only. CRLF line ends are accepted. Only the fields in `keep` are
 * stored (continuations of other fields, like long descriptions, are skipped without copying);
 * a line that is neither a field nor a continuation is reported and skipped.
 */
export function parseStanzas(text: string, keep: ReadonlySet<string>): ParsedStanzas {
  const stanzas: Stanza[] = [];
  const warnings: string[] = [];
  let fields = new Map<string, string>();
  let start = 0;
  let current: string | undefined;
  let badLines = 0;
  const lines = text.split('\n');
  const flush = (): void => {
    if (start > 0) stanzas.push({ fields, line: start });
    fields = new Map();
    start = 0;
    current = undefined;
  };
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const first = line.charCodeAt(0);
    const isContinuation = first === 0x20 || first === 0x09;
    // Only a line that starts with whitespace can be blank-but-not-empty; trim nothing else.
    if (line.length === 0 || (isContinuation && line.trim() === '')) {
      flush();
      continue;
    }
    if (isContinuation) {
      if (start === 0) badLines += 1;
      else if (current !== undefined)
        fields.set(current, `${fields.get(current) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      badLines += 1;
      if (badLines <= 3) warnings.push(`line ${index + 1}: not a "Field: value" line`);
      continue;
    }
    if (start === 0) start = index + 1;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (keep.has(name)) {
      fields.set(name, line.slice(colon + 1).trim());
      current = name;
    } else {
      current = undefined;
    }
  }
  flush();
  if (badLines > 3) warnings.push(`${badLines} lines in all were not "Field: value" lines`);
  return { stanzas, warnings };
}
