import { namedSecret, scanText } from '../secrets/index.js';

/**
 * `KEY=value` pairs whose name says secret and whose value is set, with the value masked, plus pairs
 * a secret rule matches. With `ruleMatches: false` (the secret scanner runs and reports those itself,
 * as `config Env KEY`), a pair any secret rule matches is left out entirely, so nothing is reported
 * twice; only the name heuristic, which the secret scanner does not apply, remains.
 */
export function secretAssignments(pairs: readonly string[], ruleMatches = true): string[] {
  const out: string[] = [];
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const name = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    const matches = scanText(pair);
    if (!ruleMatches && matches.length > 0) continue;
    if (namedSecret(pair)) {
      out.push(`${name}=${'*'.repeat(Math.min(value.length, 12))}`);
      continue;
    }
    for (const match of matches) out.push(`${name}: ${match.title} (${match.excerpt})`);
  }
  return out;
}

/** Build arguments docker records in RUN history lines: `|2 KEY=a OTHER=b /bin/sh -c …`. */
export function buildArgs(createdBy: string): string[] {
  const match = /^\|(?<count>\d+)\s+(?<rest>.*)$/s.exec(createdBy);
  if (!match?.groups) return [];
  const count = Number(match.groups['count']);
  return (match.groups['rest'] ?? '').split(/\s+/).slice(0, count);
}
