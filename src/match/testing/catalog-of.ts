import type { Catalog, OsInfo } from '../../catalog/index.js';
import type { MatchPackage } from '../match-input.js';

/** A Debian release as os-release describes it. */
export function debianRelease(versionId: string, codename: string): OsInfo {
  return {
    id: 'debian',
    versionId,
    versionCodename: codename,
    name: 'Debian GNU/Linux',
    prettyName: `Debian GNU/Linux ${versionId} (${codename})`,
    idLike: [],
  };
}

/** The smallest catalog the matcher reads: an OS and packages (ids and purls filled in). */
export function catalogOf(
  os: OsInfo | undefined,
  ...packages: Omit<MatchPackage, 'id' | 'purl' | 'locations'>[]
): Catalog {
  return {
    os,
    packages: packages.map((p) => ({
      ...p,
      id: `${p.type}:${p.namespace ?? ''}/${p.name}@${p.version}`,
      purl: `pkg:${p.type}/${p.namespace ? `${p.namespace}/` : ''}${p.name}@${p.version}`,
      locations: [],
    })),
  } as unknown as Catalog;
}
