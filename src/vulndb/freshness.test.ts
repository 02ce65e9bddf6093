import { describe, expect, it } from 'vitest';
import { assertFresh, checkFreshness, defaultVulnDbPath } from './freshness.js';

const DAY = 86_400_000;

describe('database freshness', () => {
  it('measures age from the build time and refuses a database older than allowed', () => {
    const now = new Date('2024-03-10T00:00:00Z');
    const status = { path: '/data/vulndb/lockyard.db', builtAt: '2024-03-01T00:00:00.000Z' };
    expect(checkFreshness(status, 10 * DAY, now)).toEqual({
      builtAt: status.builtAt,
      ageMs: 9 * 86_400_000,
      fresh: true,
    });
    expect(() => {
      assertFresh(status, 10 * DAY, now);
    }).not.toThrow();
    expect(() => {
      assertFresh(status, 7 * DAY, now);
    }).toThrow(
      "vulnerability database /data/vulndb/lockyard.db was built 9.0 days ago (2024-03-01T00:00:00.000Z), older than the allowed 7.0 days: run 'lockyard db update'",
    );
    expect(checkFreshness({ builtAt: 'garbage' }, 1, now).fresh).toBe(false);
  });

  it('puts the database in the data directory', () => {
    expect(defaultVulnDbPath('/home/u/.lockyard')).toBe('/home/u/.lockyard/vulndb/lockyard.db');
  });
});
