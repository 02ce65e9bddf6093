import type { VersionPredicate } from './define-api.js';
import { invalidConstraint } from './errors.js';
import type { Ordering } from './types.js';

/** Tests a version against one bound; the operator decides what "satisfies" means. */
export type BoundTest<V> = (version: V, bound: V) => boolean;

export interface ComparatorSyntax<V> {
  readonly scheme: string;
  readonly parse: (version: string) => V | undefined;
  readonly compare: (a: V, b: V) => Ordering;
  /** Operators beyond the common ones (rubygems `~>`, pep440 `~=`, apk `~`). */
  readonly extraOperators?: Readonly<Record<string, BoundTest<V>>>;
  /** Operator assumed for a bare version; `=` unless a scheme says otherwise. */
  readonly bareOperator?: string;
}

/**
 * The common operators. `<<` and `>>` are Debian's spelling of strict less/greater (dpkg
 * relations); `==` appears in some feeds for equality.
 */
function commonOperators<V>(compare: (a: V, b: V) => Ordering): Record<string, BoundTest<V>> {
  return {
    '=': (v, b) => compare(v, b) === 0,
    '==': (v, b) => compare(v, b) === 0,
    '!=': (v, b) => compare(v, b) !== 0,
    '<': (v, b) => compare(v, b) < 0,
    '<<': (v, b) => compare(v, b) < 0,
    '<=': (v, b) => compare(v, b) <= 0,
    '>': (v, b) => compare(v, b) > 0,
    '>>': (v, b) => compare(v, b) > 0,
    '>=': (v, b) => compare(v, b) >= 0,
  };
}

const CLAUSE = /^(?<op>[<>=!~^]*)\s*(?<version>[^\s,<>=!|~^][^\s,|]*)$/;

/**
 * Parses the comparator constraint syntax GitHub advisories and distribution feeds use:
 * clauses `OP VERSION` joined by `,` or whitespace (all must hold), alternatives joined by `||`.
 * Examples: `>= 1.0, < 2.0`; `<= 2.0.6`; `>=1 <2 || >=3`; `<< 1.2-3` (dpkg).
 */
export function parseComparatorConstraint<V>(
  constraint: string,
  syntax: ComparatorSyntax<V>,
): VersionPredicate<V> {
  const operators: Record<string, BoundTest<V>> = {
    ...commonOperators(syntax.compare),
    ...syntax.extraOperators,
  };
  const alternatives: VersionPredicate<V>[] = [];
  for (const alternative of constraint.split('||')) {
    const clauses = tokenize(alternative);
    if (!clauses) throw invalidConstraint(syntax.scheme, constraint, 'empty clause');
    const tests: VersionPredicate<V>[] = [];
    for (const clause of clauses) {
      const match = CLAUSE.exec(clause);
      if (!match?.groups)
        throw invalidConstraint(
          syntax.scheme,
          constraint,
          `cannot read clause ${JSON.stringify(clause)}`,
        );
      const op = match.groups['op'] || (syntax.bareOperator ?? '=');
      const versionText = match.groups['version'] ?? '';
      const test = operators[op];
      if (!test)
        throw invalidConstraint(
          syntax.scheme,
          constraint,
          `unknown operator ${JSON.stringify(op)}`,
        );
      const bound = syntax.parse(versionText);
      if (bound === undefined)
        throw invalidConstraint(
          syntax.scheme,
          constraint,
          `${JSON.stringify(versionText)} is not a version`,
        );
      tests.push((v) => test(v, bound));
    }
    alternatives.push((v) => tests.every((t) => t(v)));
  }
  return (v) => alternatives.some((a) => a(v));
}

/**
 * Splits `>= 1.0, < 2.0` or `>=1.0 <2.0` into `[">=1.0", "<2.0"]`: an operator may be separated
 * from its version by spaces, so a token that is only an operator joins the next one. An empty
 * comma-separated part (`>= 1,, < 2`) is an error, not something to skip.
 */
function tokenize(alternative: string): string[] | undefined {
  const clauses: string[] = [];
  for (const part of alternative.split(',')) {
    const words = part.split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) return undefined;
    let pendingOperator = '';
    for (const word of words) {
      if (/^[<>=!~^]+$/.test(word)) {
        pendingOperator += word;
        continue;
      }
      clauses.push(pendingOperator + word);
      pendingOperator = '';
    }
    if (pendingOperator) clauses.push(pendingOperator);
  }
  return clauses;
}
