import { describe, expect, it } from 'vitest';
import { assertFresh, checkFreshness, defaultVulnDbPath, parseDuration } from './freshness.js';

describe('database freshness', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['36h', 36 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1.5d', 1.5 * 86_400_000],
    ['3600', 3_600_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '7x', '-1d', '0'])('rejects %j naming the flag', (text) => {
    expect(() => parseDuration(text)).toThrow(
      /^--max-db-age .*: expected a duration such as 90m, 36h, 7d or 2w$/,
    );
  });

  it('measures age from the build time and refuses a database older than allowed', () => {
    const now = new Date('2024-03-10T00:00:00Z');
    const status = { path: '/data/vulndb/lockyard.db', builtAt: '2024-03-01T00:00:00.000Z' };
    expect(checkFreshness(status, parseDuration('10d'), now)).toEqual({
      builtAt: status.builtAt,
      ageMs: 9 * 86_400_000,
      fresh: true,
    });
    expect(() => {
      assertFresh(status, parseDuration('10d'), now);
    }).not.toThrow();
    expect(() => {
      assertFresh(status, parseDuration('7d'), now);
    }).toThrow(
      "vulnerability database /data/vulndb/lockyard.db was built 9.0 days ago (2024-03-01T00:00:00.000Z), older than the allowed 7.0 days: run 'lockyard db update'",
    );
    expect(checkFreshness({ builtAt: 'garbage' }, 1, now).fresh).toBe(false);
  });

  it('puts the database in the data directory', () => {
    expect(defaultVulnDbPath('/home/u/.lockyard')).toBe('/home/u/.lockyard/vulndb/lockyard.db');
  });
});
