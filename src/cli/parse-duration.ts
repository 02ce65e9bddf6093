import { ConfigError } from '../errors/index.js';

const HOURS: Readonly<Record<string, number>> = { h: 1, d: 24, w: 168 };

/** Parses `36h`, `7d`, `2w` (or a bare number of hours) into hours. */
export function parseDurationHours(value: string, flag: string): number {
  const match = /^\s*(?<n>\d+(?:\.\d+)?)\s*(?<unit>[hdw]?)\s*$/i.exec(value);
  if (!match?.groups) throw new ConfigError('INVALID_ARGUMENT', `${flag}: invalid duration "${value}" (e.g. 24h, 7d, 2w)`);
  return Number(match.groups['n']) * (HOURS[(match.groups['unit'] ?? '').toLowerCase() || 'h'] ?? 1);
}
