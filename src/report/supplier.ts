import type { Package } from '../catalog/index.js';

/** A package's supplier, split for SBOM formats. */
export interface Supplier {
  readonly kind: 'Person' | 'Organization';
  readonly name: string;
  readonly email?: string | undefined;
  readonly url?: string | undefined;
}

// `Name <address>`: Debian's Maintainer, apk's `m:`, rpm's `Vendor` ("SUSE LLC <https://www.suse.com/>").
const NAME_AND_ADDRESS = /^(?<name>[^<>]*?)\s*<(?<address>[^<>]*)>\s*$/u;
// A maintainer that is a group, not a person: Debian's teams and lists, companies.
const GROUP_WORDS =
  /\b(?:team|maintainers|developers|project|group|community|foundation|packagers|inc|llc|ltd|gmbh|corporation|corp|company)\b/iu;
const GROUP_ADDRESS = /^(?:team\+|[^@]*@lists\.)|@tracker\.debian\.org$/iu;

/**
 * The supplier of a package (see `PackageRecord.supplier`), or undefined when none is recorded.
 * An rpm `Vendor` is an organisation; a maintainer is a person unless its name or address says
 * it is a team, a list or a company (SPDX 2.3 §7.5 asks for one or the other).
 */
export function supplierOf(pkg: Pick<Package, 'type' | 'supplier'>): Supplier | undefined {
  const raw = pkg.supplier?.trim();
  if (!raw) return undefined;
  const match = NAME_AND_ADDRESS.exec(raw);
  const name = (match?.groups?.['name'] ?? raw).trim();
  const address = match?.groups?.['address']?.trim() ?? '';
  const url = /^https?:\/\//iu.test(address) ? address : undefined;
  const email = !url && address.includes('@') ? address : undefined;
  if (!name && !address) return undefined;
  const organization =
    pkg.type === 'rpm' ||
    GROUP_WORDS.test(name) ||
    (email !== undefined && GROUP_ADDRESS.test(email));
  return {
    kind: organization ? 'Organization' : 'Person',
    name: name || address,
    ...(email ? { email } : {}),
    ...(url ? { url } : {}),
  };
}

/** SPDX 2.3 `supplier`: `Person: name (email)` / `Organization: name (email)`. */
export function spdxSupplier(supplier: Supplier): string {
  return `${supplier.kind}: ${supplier.name}${supplier.email ? ` (${supplier.email})` : ''}`;
}
