import type { Severity } from '../rules/index.js';

/** A secret found in some text, with the secret itself already masked. */
export interface SecretMatch {
  readonly ruleId: string;
  readonly category: string;
  readonly title: string;
  readonly severity: Severity;
  /** 1-based line of the match in the text. */
  readonly line: number;
  /** The line with the secret masked (`*`), trimmed to 200 characters. */
  readonly excerpt: string;
  /** Where the secret itself is in the text (UTF-16 offset and length), to mask it in place. */
  readonly start: number;
  readonly length: number;
}

/** What a secret rule sees: a text and where it came from (for allow-lists by path). */
export interface SecretInput {
  readonly text: string;
}
