import { ConfigError } from '../errors/index.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^\s*(?<amount>\d+(?:\.\d+)?)\s*(?<unit>[smhdw])\s*$/i;

/** Whether a flag value is a duration (`24h`), as opposed to, say, a timestamp. */
export function isDuration(value: string): boolean {
  return DURATION.test(value);
}

/** Parses a duration flag (`90s`, `15m`, `36h`, `7d`, `2w`; the unit is required) into milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const match = DURATION.exec(value);
  const amount = Number(match?.groups?.['amount']);
  const unit = UNIT_MS[(match?.groups?.['unit'] ?? '').toLowerCase()];
  if (!match || unit === undefined || !Number.isFinite(amount)) {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `${flag}: invalid duration "${value}" (e.g. 90s, 15m, 36h, 7d, 2w)`,
    );
  }
  return amount * unit;
}

/** The same, in hours. */
export function parseDurationHours(value: string, flag: string): number {
  return parseDuration(value, flag) / 3_600_000;
}
