import type { OsInfo } from '../types.js';

function info(id: string, versionId: string | undefined, name?: string): OsInfo {
  return { id, versionId, versionCodename: undefined, name, prettyName: name, idLike: [] };
}

const RELEASE_LINE = /^(?<name>.+?) (?:Linux )?release (?<version>[\d.]+)/;
const RELEASE_IDS: readonly [RegExp, string][] = [
  [/^CentOS/i, 'centos'],
  [/^Red Hat/i, 'rhel'],
  [/^Oracle/i, 'ol'],
  [/^Fedora/i, 'fedora'],
  [/^Rocky/i, 'rocky'],
  [/^AlmaLinux/i, 'almalinux'],
  [/^Amazon/i, 'amzn'],
];

/** `/etc/redhat-release` and friends: `CentOS Linux release 7.9.2009 (Core)`. */
export function parseReleaseLine(text: string): OsInfo | undefined {
  const line = text.split('\n')[0]?.trim() ?? '';
  const match = RELEASE_LINE.exec(line);
  const name = match?.groups?.['name'];
  const version = match?.groups?.['version'];
  if (!name || !version) return undefined;
  const id = RELEASE_IDS.find(([pattern]) => pattern.test(name))?.[1];
  return id ? info(id, version, line) : undefined;
}

/** `/etc/alpine-release`: just the version, e.g. `3.18.4`. */
export function parseAlpineRelease(text: string): OsInfo | undefined {
  const version = text.trim();
  return /^\d+(\.\d+)*/.test(version) ? info('alpine', version, 'Alpine Linux') : undefined;
}

/** `/etc/debian_version`: `12.5`, or a codename like `bookworm/sid` on testing. */
export function parseDebianVersion(text: string): OsInfo | undefined {
  const version = text.trim();
  if (version === '') return undefined;
  const major = /^(?<major>\d+)/.exec(version)?.groups?.['major'];
  return major
    ? info('debian', major, 'Debian GNU/Linux')
    : info('debian', undefined, `Debian GNU/Linux ${version}`);
}

/** `/etc/lsb-release` (Ubuntu): DISTRIB_ID / DISTRIB_RELEASE / DISTRIB_CODENAME. */
export function parseLsbRelease(fields: Readonly<Record<string, string>>): OsInfo | undefined {
  const id = fields['DISTRIB_ID']?.toLowerCase();
  if (!id) return undefined;
  return {
    id,
    versionId: fields['DISTRIB_RELEASE'],
    versionCodename: fields['DISTRIB_CODENAME'],
    name: fields['DISTRIB_ID'],
    prettyName: fields['DISTRIB_DESCRIPTION'],
    idLike: [],
  };
}

/**
 * Older os-release files (Debian 7 and 8, Ubuntu 14.04) have no VERSION_CODENAME; the codename
 * is in VERSION: `8 (jessie)`, `Debian GNU/Linux 10 (buster)`, `14.04.6 LTS, Trusty Tahr`.
 */
export function codenameFromVersion(version: string): string | undefined {
  const inParens = /\((?<codename>[A-Za-z]+)\)\s*$/u.exec(version)?.groups?.['codename'];
  if (inParens) return inParens.toLowerCase();
  const afterComma = /^[\d.]+(?: LTS)?, (?<codename>[A-Za-z]+) [A-Za-z]+$/u.exec(version)?.groups?.[
    'codename'
  ];
  return afterComma?.toLowerCase();
}

const CPE_VENDORS: Readonly<Record<string, string>> = {
  centos: 'centos',
  redhat: 'rhel',
  oracle: 'ol',
  fedoraproject: 'fedora',
  amazon: 'amzn',
  rocky: 'rocky',
  almalinux: 'almalinux',
};

/** `/etc/system-release-cpe` (CentOS 6 and other RPM distributions): `cpe:/o:centos:linux:6:GA`. */
export function parseSystemReleaseCpe(text: string): OsInfo | undefined {
  const cpe = text.split('\n')[0]?.trim() ?? '';
  const match = /^cpe:\/o:(?<vendor>[^:]+):(?<product>[^:]+):(?<version>[^:]+)/u.exec(cpe);
  const vendor = match?.groups?.['vendor'];
  const id = vendor ? CPE_VENDORS[vendor.toLowerCase()] : undefined;
  return id ? info(id, match?.groups?.['version'], cpe) : undefined;
}
