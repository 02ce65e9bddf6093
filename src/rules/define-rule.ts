/**
 * The one shape every rule has, whatever it checks (secrets, image misconfiguration, policy):
 * an id, a one-line description, a severity, an optional options schema, and a pure `evaluate`.
 */
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';

export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];

/** Higher is worse; UNKNOWN ranks lowest for sorting and gates. */
export function severityRank(severity: Severity): number {
  return { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0 }[severity];
}

export interface Rule<Input, Output> {
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  evaluate(input: Input): readonly Output[];
}

export function defineRule<Input, Output>(rule: Rule<Input, Output>): Rule<Input, Output> {
  return rule;
}
