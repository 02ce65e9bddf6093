import parseSpdxExpression from 'spdx-expression-parse';

export interface ExtractedLicense {
  readonly licenseId: string;
  readonly extractedText: string;
  readonly name: string;
}

function isSpdxExpression(text: string): boolean {
  try {
    parseSpdxExpression(text);
    return true;
  } catch {
    return false;
  }
}

function licenseRef(text: string): string {
  const slug = text
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return `LicenseRef-${slug || 'unknown'}`;
}

/**
 * Turns declared licence strings into one SPDX expression: valid SPDX ids/expressions are kept,
 * anything else becomes a `LicenseRef-…` with its text recorded as an extracted licence.
 */
export function declaredLicense(
  licenses: readonly string[] | undefined,
  extracted: Map<string, ExtractedLicense>,
): string {
  if (!licenses || licenses.length === 0) return 'NOASSERTION';
  const parts = [...new Set(licenses)].map((text) => {
    if (isSpdxExpression(text))
      return licenses.length > 1 && /\s(?:AND|OR|WITH)\s/.test(text) ? `(${text})` : text;
    const id = licenseRef(text);
    extracted.set(id, { licenseId: id, extractedText: text, name: text });
    return id;
  });
  return parts.join(' AND ');
}
