import { ConfigError } from '../errors/index.js';

/** The items of a comma-separated flag value, trimmed, empty ones dropped. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A comma-separated flag value of known words (`--scanners vuln,secret`); an unknown one is an error. */
export function parseList<T extends string>(
  value: string,
  allowed: readonly T[],
  flag: string,
  upper = false,
): T[] {
  const items = splitList(value).map((item) => (upper ? item.toUpperCase() : item));
  for (const item of items) {
    if (!allowed.includes(item as T))
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `${flag}: unknown value "${item}" (allowed: ${allowed.join(', ')})`,
      );
  }
  return items as T[];
}
