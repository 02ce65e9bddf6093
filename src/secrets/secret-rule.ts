import { defineRule, type Rule, type Severity } from '../rules/index.js';
import { maskLine } from './mask.js';
import type { SecretInput, SecretMatch } from './types.js';

export interface SecretRuleSpec {
  readonly id: string;
  readonly category: string;
  readonly title: string;
  readonly severity: Severity;
  /** Cheap prefilter: the rule runs only on texts containing one of these (case-sensitive). */
  readonly keywords: readonly string[];
  /** Must have a named group `secret`; global flag is added. */
  readonly pattern: RegExp;
  /** Extra check on the captured secret (entropy, placeholder words). */
  readonly accept?: (secret: string) => boolean;
}

function lineAt(text: string, index: number): { line: number; start: number; end: number } {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  const start = text.lastIndexOf('\n', index - 1) + 1;
  const newline = text.indexOf('\n', index);
  return { line, start, end: newline === -1 ? text.length : newline };
}

/** Builds a secret rule from a pattern: prefilter by keyword, match, accept, mask. */
export function secretRule(spec: SecretRuleSpec): Rule<SecretInput, SecretMatch> {
  const flags = spec.pattern.flags.includes('g') ? spec.pattern.flags : `${spec.pattern.flags}g`;
  return defineRule<SecretInput, SecretMatch>({
    id: spec.id,
    description: spec.title,
    severity: spec.severity,
    evaluate({ text }) {
      if (!spec.keywords.some((keyword) => text.includes(keyword))) return [];
      const out: SecretMatch[] = [];
      const pattern = new RegExp(spec.pattern.source, flags);
      for (const match of text.matchAll(pattern)) {
        const secret = match.groups?.['secret'];
        if (!secret || (spec.accept && !spec.accept(secret))) continue;
        const offset = (match.index ?? 0) + match[0].indexOf(secret);
        const { line, start, end } = lineAt(text, offset);
        out.push({
          ruleId: spec.id,
          category: spec.category,
          title: spec.title,
          severity: spec.severity,
          line,
          excerpt: maskLine(text.slice(start, end), offset - start, secret.length),
          start: offset,
          length: secret.length,
        });
        if (out.length >= 20) break;
      }
      return out;
    },
  });
}
