import { ConfigError } from '../errors/index.js';

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1000 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1000 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4,
};

/** Parses `512MiB`, `10GB`, `1048576` into bytes. */
export function parseByteSize(value: string, flag: string): number {
  const match = /^\s*(?<number>\d+(?:\.\d+)?)\s*(?<unit>[a-zA-Z]*)\s*$/.exec(value);
  const unit = UNITS[(match?.groups?.['unit'] ?? '').toLowerCase()];
  if (!match?.groups || unit === undefined) {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `${flag}: invalid size "${value}" (e.g. 512MiB, 10GB)`,
    );
  }
  return Math.floor(Number(match.groups['number']) * unit);
}
