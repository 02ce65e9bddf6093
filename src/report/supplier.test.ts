import { describe, expect, it } from 'vitest';
import { originatorOf, spdxParty, supplierOf } from './supplier.js';

// Real values: Debian 12's status file, Alpine's installed db, rpm Vendor tags of the
// go-rpmdb fixtures (SUSE, Amazon Linux).
describe('supplierOf', () => {
  it.each([
    [
      'deb',
      'Matthias Klose <doko@debian.org>',
      { kind: 'Person', name: 'Matthias Klose', email: 'doko@debian.org' },
      'Person: Matthias Klose (doko@debian.org)',
    ],
    [
      'deb',
      'GNU Libc Maintainers <debian-glibc@lists.debian.org>',
      {
        kind: 'Organization',
        name: 'GNU Libc Maintainers',
        email: 'debian-glibc@lists.debian.org',
      },
      'Organization: GNU Libc Maintainers (debian-glibc@lists.debian.org)',
    ],
    [
      'deb',
      'Python Modules Packaging <team+python@tracker.debian.org>',
      { kind: 'Organization', name: 'Python Modules Packaging' },
      'Organization: Python Modules Packaging (team+python@tracker.debian.org)',
    ],
    [
      'apk',
      'Natanael Copa <ncopa@alpinelinux.org>',
      { kind: 'Person', name: 'Natanael Copa' },
      'Person: Natanael Copa (ncopa@alpinelinux.org)',
    ],
    [
      'rpm',
      'SUSE LLC <https://www.suse.com/>',
      { kind: 'Organization', name: 'SUSE LLC', url: 'https://www.suse.com/' },
      'Organization: SUSE LLC',
    ],
    [
      'rpm',
      'Amazon Linux',
      { kind: 'Organization', name: 'Amazon Linux' },
      'Organization: Amazon Linux',
    ],
  ] as const)('%s %s', (type, raw, expected, spdx) => {
    const supplier = supplierOf({ type, supplier: raw });
    expect(supplier).toMatchObject(expected);
    expect(supplier && spdxParty(supplier)).toBe(spdx);
  });

  it('gives nothing for a missing or blank supplier', () => {
    expect(supplierOf({ type: 'deb', supplier: undefined })).toBeUndefined();
    expect(supplierOf({ type: 'deb', supplier: '  ' })).toBeUndefined();
  });

  it('reads an originator (npm author) the same way, a person unless it names a group', () => {
    expect(originatorOf({ originator: 'Isaac Z. Schlueter <i@izs.me>' })).toEqual({
      kind: 'Person',
      name: 'Isaac Z. Schlueter',
      email: 'i@izs.me',
    });
    expect(originatorOf({ originator: 'The Pallets Team' })).toEqual({
      kind: 'Organization',
      name: 'The Pallets Team',
    });
    expect(originatorOf({ originator: undefined })).toBeUndefined();
  });
});
