import { describe, expect, it } from 'vitest';
import { parseDuration, parseDurationHours } from './parse-duration.js';

describe('duration flags', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['36h', 129_600_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['0h', 0],
    ['1.5h', 5_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text, '--x')).toBe(ms);
  });

  it.each(['', '7', 'd', '7 days', '-1h', '1y'])('refuses %j, naming the flag', (text) => {
    expect(() => parseDuration(text, '--max-db-age')).toThrow(/^--max-db-age: invalid duration/);
  });

  it('converts to hours', () => {
    expect(parseDurationHours('2d', '--x')).toBe(48);
  });
});
