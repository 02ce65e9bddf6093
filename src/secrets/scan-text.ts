import { secretRules } from './rules/index.js';
import type { SecretMatch } from './types.js';

/** Runs every secret rule over a text; overlapping matches on one line keep the most specific rule. */
export function scanText(text: string): SecretMatch[] {
  const matches = secretRules.flatMap((rule) => rule.evaluate({ text }));
  const seen = new Set<string>();
  const out: SecretMatch[] = [];
  for (const match of matches) {
    // Rules are ordered specific-first; the generic rule does not repeat a line already reported.
    const key = `${match.line}`;
    if (match.ruleId === 'generic-password' && seen.has(key)) continue;
    seen.add(key);
    out.push(match);
  }
  return out.sort((a, b) => a.line - b.line || a.ruleId.localeCompare(b.ruleId));
}

/** The text with every secret any rule finds replaced by `*` (same length), for showing it whole. */
export function maskSecrets(text: string): string {
  const ranges = secretRules
    .flatMap((rule) => rule.evaluate({ text }))
    .map((m) => [m.start, m.start + m.length] as const);
  if (ranges.length === 0) return text;
  const chars = text.split('');
  for (const [from, to] of ranges) for (let i = from; i < to; i += 1) chars[i] = '*';
  return chars.join('');
}
