import { scanText } from '../secrets/index.js';

const SECRET_NAME =
  /(?:PASS(?:WORD|WD)?|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)$/i;
const PLACEHOLDER = /^(?:|\$\{?[A-Z_]+\}?|<.*>|changeme|none|null|false|true|\*+)$/i;

/** `KEY=value` pairs whose name says secret and whose value is set, with the value masked. */
export function secretAssignments(pairs: readonly string[]): string[] {
  const out: string[] = [];
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const name = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    if (
      SECRET_NAME.test(name) &&
      !PLACEHOLDER.test(value) &&
      !/_(?:FILE|PATH|DIR|URL)$/i.test(name)
    ) {
      out.push(`${name}=${'*'.repeat(Math.min(value.length, 12))}`);
      continue;
    }
    for (const match of scanText(pair)) out.push(`${name}: ${match.title} (${match.excerpt})`);
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
