import parseSpdx from 'spdx-expression-parse';

/** Raw licence texts longer than this are full licence bodies, not names: not worth keeping. */
const MAX_RAW_LICENSE = 256;

/** Parentheses only where a child's operator differs from its parent's (AND binds tighter). */
function render(node: parseSpdx.Info, parent: 'and' | 'or' | undefined): string {
  if ('conjunction' in node) {
    const text = `${render(node.left, node.conjunction)} ${node.conjunction.toUpperCase()} ${render(node.right, node.conjunction)}`;
    return parent !== undefined && parent !== node.conjunction ? `(${text})` : text;
  }
  return `${node.license}${node.plus ? '+' : ''}${node.exception ? ` WITH ${node.exception}` : ''}`;
}

/**
 * The canonical form of an SPDX licence expression (`( MIT )` -> `MIT`, `MIT or Apache-2.0` is
 * not valid SPDX and stays undefined), or undefined when the text is not one.
 */
export function spdxExpression(text: string): string | undefined {
  try {
    return render(parseSpdx(text), undefined);
  } catch {
    return undefined;
  }
}

/**
 * A declared licence as packages write it: kept as the SPDX expression when it is one (so reports
 * and policies can reason about it), else as the raw text, trimmed. Blank, placeholder
 * (`UNKNOWN`) and whole-licence-body values are dropped.
 */
export function normalizeLicense(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (text === '' || text.length > MAX_RAW_LICENSE || text.includes('\n')) return undefined;
  if (text.toUpperCase() === 'UNKNOWN' || text.toUpperCase() === 'NONE') return undefined;
  return spdxExpression(text) ?? text;
}

/** Normalizes a list of declared licences, dropping duplicates and blanks, keeping order. */
export function normalizeLicenses(raws: readonly unknown[]): string[] | undefined {
  const out: string[] = [];
  for (const raw of raws) {
    const license = normalizeLicense(raw);
    if (license !== undefined && !out.includes(license)) out.push(license);
  }
  return out.length > 0 ? out : undefined;
}
