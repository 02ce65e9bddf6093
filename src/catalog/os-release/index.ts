import { defineCataloger, type ParseResult } from '../cataloger.js';
import type { OsInfo } from '../types.js';
import {
  codenameFromVersion,
  parseAlpineRelease,
  parseDebianVersion,
  parseLsbRelease,
  parseReleaseLine,
  parseSystemReleaseCpe,
} from './fallback-files.js';
import { parseOsRelease } from './parse-os-release.js';

const OS_RELEASE = new Set(['etc/os-release', 'usr/lib/os-release']);
const RELEASE_FILES = new Set([
  'etc/redhat-release',
  'etc/centos-release',
  'etc/oracle-release',
  'etc/system-release',
  'etc/fedora-release',
]);
const OTHER_FILES = new Set([
  'etc/alpine-release',
  'etc/debian_version',
  'etc/lsb-release',
  'etc/system-release-cpe',
]);

/** An empty value (`VERSION_CODENAME=""` on Fedora) says nothing; treat it as absent. */
function field(fields: Readonly<Record<string, string>>, key: string): string | undefined {
  const value = fields[key]?.trim();
  return value === '' ? undefined : value;
}

function fromOsRelease(fields: Readonly<Record<string, string>>): OsInfo | undefined {
  const id = field(fields, 'ID')?.toLowerCase();
  if (!id) return undefined;
  const version = field(fields, 'VERSION');
  return {
    id,
    versionId: field(fields, 'VERSION_ID'),
    versionCodename:
      field(fields, 'VERSION_CODENAME') ??
      field(fields, 'UBUNTU_CODENAME') ??
      (version ? codenameFromVersion(version) : undefined),
    name: field(fields, 'NAME'),
    prettyName: field(fields, 'PRETTY_NAME'),
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
    case 'etc/system-release-cpe':
      return parseSystemReleaseCpe(text);
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
  version: 2,
  claims: (file) =>
    OS_RELEASE.has(file.path) || RELEASE_FILES.has(file.path) || OTHER_FILES.has(file.path),
  parse(file): ParseResult {
    if (file.content.length > 64 * 1024)
      return { warnings: ['os release file larger than 64 KiB, ignored'] };
    const os = parseByPath(file.path, file.content.toString('utf8'));
    return os ? { os } : { warnings: ['no distribution id found'] };
  },
});
