import type { Package } from '../catalog/index.js';

/** A person or organisation named by package metadata, split for SBOM formats. */
export interface Party {
  readonly kind: 'Person' | 'Organization';
  readonly name: string;
  readonly email?: string | undefined;
  readonly url?: string | undefined;
}

// `Name <address>`: Debian's Maintainer, apk's `m:`, rpm's `Vendor` ("SUSE LLC <https://www.suse.com/>"),
// npm's `author` string form.
const NAME_AND_ADDRESS = /^(?<name>[^<>]*?)\s*<(?<address>[^<>]*)>\s*$/u;
// A name that is a group, not a person: Debian's teams and lists, companies.
const GROUP_WORDS =
  /\b(?:team|maintainers|developers|project|group|community|foundation|packagers|inc|llc|ltd|gmbh|corporation|corp|company)\b/iu;
const GROUP_ADDRESS = /^(?:team\+|[^@]*@lists\.)|@tracker\.debian\.org$/iu;

/**
 * Splits `Name <address>`. A person unless `organization` says otherwise or the name or address
 * says it is a team, a list or a company (SPDX 2.3 §7.5 and §7.6 ask for one or the other).
 */
function partyOf(text: string | undefined, organization: boolean): Party | undefined {
  const raw = text?.trim();
  if (!raw) return undefined;
  const match = NAME_AND_ADDRESS.exec(raw);
  const name = (match?.groups?.['name'] ?? raw).trim();
  const address = match?.groups?.['address']?.trim() ?? '';
  const url = /^https?:\/\//iu.test(address) ? address : undefined;
  const email = !url && address.includes('@') ? address : undefined;
  if (!name && !address) return undefined;
  const group =
    organization || GROUP_WORDS.test(name) || (email !== undefined && GROUP_ADDRESS.test(email));
  return {
    kind: group ? 'Organization' : 'Person',
    name: name || address,
    ...(email ? { email } : {}),
    ...(url ? { url } : {}),
  };
}

/** Who distributes the package (`PackageRecord.supplier`); an rpm `Vendor` is an organisation. */
export function supplierOf(pkg: Pick<Package, 'type' | 'supplier'>): Party | undefined {
  return partyOf(pkg.supplier, pkg.type === 'rpm');
}

/** Who wrote the package (`PackageRecord.originator`). */
export function originatorOf(pkg: Pick<Package, 'originator'>): Party | undefined {
  return partyOf(pkg.originator, false);
}

/** SPDX 2.3 `supplier` / `originator`: `Person: name (email)` / `Organization: name (email)`. */
export function spdxParty(party: Party): string {
  return `${party.kind}: ${party.name}${party.email ? ` (${party.email})` : ''}`;
}
