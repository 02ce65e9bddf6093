import { describe, expect, it } from 'vitest';
import type { OsInfo } from '../catalog/index.js';
import { osEndOfLife } from './end-of-life.js';

const os = (id: string, versionId: string): OsInfo => ({
  id,
  versionId,
  versionCodename: undefined,
  name: undefined,
  prettyName: undefined,
  idLike: [],
});
const now = new Date('2026-11-26T00:00:00Z');

describe('end-of-life releases', () => {
  it.each([
    [os('alpine', '3.10.4'), '2021-05-01'],
    [os('debian', '10'), '2022-09-10'],
    [os('debian', '9.13'), '2020-07-18'],
    [os('ubuntu', '18.04'), '2023-05-31'],
  ])('%j went out of support on %s', (release, date) => {
    expect(osEndOfLife(release, now)).toBe(date);
  });

  it.each([os('debian', '12'), os('alpine', '3.21.0'), os('ubuntu', '24.04'), os('plan9', '4')])(
    '%j is not reported',
    (release) => {
      expect(osEndOfLife(release, now)).toBeUndefined();
    },
  );

  it('is not reported before the date', () => {
    expect(osEndOfLife(os('debian', '11'), new Date('2024-01-01T00:00:00Z'))).toBeUndefined();
  });
});
