import { describe, expect, it } from 'vitest';
import { humanDuration } from './human-duration.js';

describe('humanDuration', () => {
  it.each([
    [500, 'less than a second'],
    [1000, '1 second'],
    [59_000, '59 seconds'],
    [200_000, '3.3 minutes'],
    [3_600_000, '1 hour'],
    [36 * 3_600_000, '1.5 days'],
    [86_400_000, '1 day'],
    [2520 * 86_400_000, '2520 days'],
    [Number.POSITIVE_INFINITY, 'an unknown time'],
  ])('%d ms is "%s"', (ms, words) => {
    expect(humanDuration(ms)).toBe(words);
  });
});
