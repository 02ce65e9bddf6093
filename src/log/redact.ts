import type { LogFields } from './logger.js';

const SECRET_KEY = /pass(word)?|secret|token|authorization|credential|api[-_]?key|private[-_]?key/i;

/** Replaces the value of every credential-looking field, at any depth, with "[redacted]". */
export function redactFields(fields: LogFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key)) {
      out[key] = '[redacted]';
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = redactFields(value as LogFields);
    } else {
      out[key] = value;
    }
  }
  return out;
}
