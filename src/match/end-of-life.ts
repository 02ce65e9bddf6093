import type { OsInfo } from '../catalog/index.js';

/**
 * When each distribution release stopped receiving security updates (standard support; Debian's
 * LTS and Ubuntu's ESM extend some). Sources: https://www.debian.org/releases/ and
 * https://wiki.debian.org/DebianReleases, https://alpinelinux.org/releases/,
 * https://ubuntu.com/about/release-cycle. Releases not listed are treated as supported.
 */
const END_OF_LIFE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  debian: {
    '7': '2016-04-25',
    '8': '2018-06-17',
    '9': '2020-07-18',
    '10': '2022-09-10',
    '11': '2024-08-14',
  },
  ubuntu: {
    '14.04': '2019-04-25',
    '16.04': '2021-04-30',
    '18.04': '2023-05-31',
    '20.04': '2025-05-29',
    '22.10': '2023-07-20',
    '23.04': '2024-01-25',
    '23.10': '2024-07-11',
    '24.10': '2025-07-10',
  },
  alpine: {
    '3.2': '2016-11-01',
    '3.3': '2017-05-01',
    '3.4': '2018-05-01',
    '3.5': '2018-11-01',
    '3.6': '2019-05-01',
    '3.7': '2019-11-01',
    '3.8': '2020-05-01',
    '3.9': '2020-11-01',
    '3.10': '2021-05-01',
    '3.11': '2021-11-01',
    '3.12': '2022-05-01',
    '3.13': '2022-11-01',
    '3.14': '2023-05-01',
    '3.15': '2023-11-01',
    '3.16': '2024-05-23',
    '3.17': '2024-11-22',
    '3.18': '2025-05-09',
    '3.19': '2025-11-01',
  },
};

function releaseKey(os: OsInfo): string | undefined {
  const version = os.versionId ?? '';
  if (os.id === 'debian') return /^(?<major>\d+)/.exec(version)?.groups?.['major'];
  if (os.id === 'alpine') return /^(?<minor>\d+\.\d+)/.exec(version)?.groups?.['minor'];
  return version || undefined;
}

/** The date the image's OS release went out of support, when it has (else undefined). */
export function osEndOfLife(os: OsInfo | undefined, now: Date): string | undefined {
  if (!os) return undefined;
  const key = releaseKey(os);
  const date = key ? END_OF_LIFE[os.id]?.[key] : undefined;
  return date && Date.parse(date) <= now.getTime() ? date : undefined;
}
