import { ConfigError } from '../errors/index.js';

/** A comma-separated flag value of known words (`--scanners vuln,secret`); an unknown one is an error. */
export function parseList<T extends string>(
  value: string,
  allowed: readonly T[],
  flag: string,
  upper = false,
): T[] {
  const items = value
    .split(',')
    .map((v) => (upper ? v.trim().toUpperCase() : v.trim()))
    .filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T))
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `${flag}: unknown value "${item}" (allowed: ${allowed.join(', ')})`,
      );
  }
  return items as T[];
}
