import { describe, expect, it } from 'vitest';
import { declaredLicense, type ExtractedLicense } from './licenses.js';

describe('declaredLicense', () => {
  it('keeps SPDX expressions, joins several with AND, and says NOASSERTION for none', () => {
    const extracted = new Map<string, ExtractedLicense>();
    expect(declaredLicense(['MIT'], extracted)).toBe('MIT');
    expect(declaredLicense(['MIT', 'Apache-2.0 OR BSD-3-Clause'], extracted)).toBe(
      'MIT AND (Apache-2.0 OR BSD-3-Clause)',
    );
    expect(declaredLicense([], extracted)).toBe('NOASSERTION');
    expect(declaredLicense(undefined, extracted)).toBe('NOASSERTION');
    expect(extracted.size).toBe(0);
  });

  it('gives every other text a LicenseRef of its own, with the text recorded', () => {
    const extracted = new Map<string, ExtractedLicense>();
    // Slugged, "GPL2+" and "GPL2" would both be "GPL2": each keeps its own id and text.
    const apkTools = declaredLicense(['GPL2'], extracted);
    const muslUtils = declaredLicense(['MIT', 'BSD', 'GPL2+'], extracted);
    expect(apkTools).toBe('LicenseRef-GPL2');
    expect(muslUtils).toMatch(/^MIT AND LicenseRef-BSD AND LicenseRef-GPL2-[0-9a-f]{8}$/);
    const gplPlus = muslUtils.split(' AND ')[2] ?? '';
    expect(extracted.get('LicenseRef-GPL2')?.extractedText).toBe('GPL2');
    expect(extracted.get(gplPlus)?.extractedText).toBe('GPL2+');
    // The same text always gets the same id, whatever came before it.
    expect(declaredLicense(['GPL2+'], new Map())).toBe(gplPlus);
    for (const [id, license] of extracted) {
      expect(id).toMatch(/^LicenseRef-[A-Za-z0-9.-]+$/);
      expect(license.licenseId).toBe(id);
    }
  });
});
