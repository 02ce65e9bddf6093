import { createHash } from 'node:crypto';
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

/**
 * A `LicenseRef-` id for a licence text, one per text: the text itself when it is a valid id
 * string, else a readable slug plus a hash of the text, so `GPL2` and `GPL2+` (both `GPL2` once
 * slugged) never share an id and the wrong text.
 */
function licenseRef(text: string): string {
  if (/^[A-Za-z0-9.-]{1,64}$/.test(text)) return `LicenseRef-${text}`;
  const slug = text
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return `LicenseRef-${slug ? `${slug}-` : ''}${hash}`;
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
