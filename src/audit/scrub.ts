import type { AuditDetailValue } from './model.js';

// Field names that carry credentials, and values that look like one whatever the field is
// called: an Authorization header value, a JWT, a PEM key. None of them may reach the log.
const SECRET_KEY =
  /pass(word|wd|phrase)?|secret|token|authorization|credential|api[-_]?key|private[-_]?key|cookie|signature/i;
const SECRET_VALUE =
  /^(?:basic|bearer)\s+\S|^ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.|-----BEGIN [A-Z ]*PRIVATE KEY-----/i;
const MAX_TEXT = 512;
const MAX_FIELDS = 32;

export const REDACTED = '[redacted]';

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** A text field of a record: bounded, single line, never something that looks like a credential. */
export function scrubText(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (SECRET_VALUE.test(value.trim())) return REDACTED;
  let line = value;
  // Control characters would let a value fake a line break in a terminal listing.
  if (hasControl(value)) {
    line = '';
    for (const char of value) line += char < ' ' || char === '\u007f' ? ' ' : char;
  }
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT)}…` : line;
}

/**
 * The details as stored: canonical JSON (keys sorted, undefined dropped), credential-named
 * fields and credential-looking values replaced, bounded in count and length.
 */
export function canonicalDetails(
  details: Readonly<Record<string, AuditDetailValue | undefined>> | undefined,
): string {
  if (!details) return '{}';
  const out: Record<string, AuditDetailValue> = {};
  const keys = Object.keys(details)
    .filter((key) => details[key] !== undefined)
    .sort()
    .slice(0, MAX_FIELDS);
  for (const key of keys) {
    const value = details[key];
    if (value === undefined) continue;
    if (SECRET_KEY.test(key)) out[key] = REDACTED;
    else if (typeof value === 'string') out[key] = scrubText(value) ?? '';
    else if (typeof value === 'number' && !Number.isFinite(value)) out[key] = null;
    else out[key] = value;
  }
  return JSON.stringify(out);
}
