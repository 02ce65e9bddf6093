import { defineCataloger, type ParseResult } from '../cataloger.js';
import type { OsInfo } from '../types.js';
import { parseAlpineRelease, parseDebianVersion, parseLsbRelease, parseReleaseLine } from './fallback-files.js';
import { parseOsRelease } from './parse-os-release.js';

const OS_RELEASE = new Set(['etc/os-release', 'usr/lib/os-release']);
const RELEASE_FILES = new Set([
  'etc/redhat-release',
  'etc/centos-release',
  'etc/oracle-release',
  'etc/system-release',
  'etc/fedora-release',
]);
const OTHER_FILES = new Set(['etc/alpine-release', 'etc/debian_version', 'etc/lsb-release']);

function fromOsRelease(fields: Readonly<Record<string, string>>): OsInfo | undefined {
  const id = fields['ID']?.toLowerCase();
  if (!id) return undefined;
  return {
    id,
    versionId: fields['VERSION_ID'],
    versionCodename: fields['VERSION_CODENAME'] ?? fields['UBUNTU_CODENAME'],
    name: fields['NAME'],
    prettyName: fields['PRETTY_NAME'],
    idLike: (fields['ID_LIKE'] ?? '').split(/\s+/).filter(Boolean),
  };
}

function parseByPath(path: string, text: string): OsInfo | undefined {
  if (OS_RELEASE.has(path)) return fromOsRelease(parseOsRelease(text));
  if (RELEASE_FILES.has(path)) return parseReleaseLine(text);
  switch (path) {
    case 'etc/alpine-release':
      return parseAlpineRelease(text);
    case 'etc/debian_version':
      return parseDebianVersion(text);
    case 'etc/lsb-release':
      return parseLsbRelease(parseOsRelease(text));
    default:
      return undefined;
  }
}

/** Identifies the distribution from os-release(5), or from older release files where it is missing. */
export const osReleaseCataloger = defineCataloger({
  id: 'os-release',
  displayName: 'Operating system release files',
  urls: ['https://www.freedesktop.org/software/systemd/man/latest/os-release.html'],
  packageTypes: [],
  version: 1,
  claims: (file) => OS_RELEASE.has(file.path) || RELEASE_FILES.has(file.path) || OTHER_FILES.has(file.path),
  parse(file): ParseResult {
    if (file.content.length > 64 * 1024) return { warnings: ['os release file larger than 64 KiB, ignored'] };
    const os = parseByPath(file.path, file.content.toString('utf8'));
    return os ? { os } : { warnings: ['no distribution id found'] };
  },
});
