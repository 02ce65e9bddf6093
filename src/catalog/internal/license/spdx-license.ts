import { createRequire } from 'node:module';
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

let canonicalIds: Map<string, string> | undefined;

/** Every SPDX licence and exception id (deprecated ones too), by its lower-case spelling. */
function knownIds(): Map<string, string> {
  if (!canonicalIds) {
    const require = createRequire(import.meta.url);
    const lists = [
      'spdx-license-ids',
      'spdx-license-ids/deprecated.json',
      'spdx-exceptions',
      'spdx-exceptions/deprecated.json',
    ].map((name) => require(name) as string[]);
    canonicalIds = new Map(lists.flat().map((id) => [id.toLowerCase(), id]));
  }
  return canonicalIds;
}

/**
 * SPDX matches licence and exception ids without regard to case (SPDX 2.3, annex D.2): `zlib` is
 * `Zlib`, `apache-2.0+` is `Apache-2.0+`. Operators are left to the parser.
 */
function withCanonicalIds(text: string): string {
  return text.replace(/[A-Za-z0-9][A-Za-z0-9.-]*/gu, (token) =>
    token === 'AND' || token === 'OR' || token === 'WITH'
      ? token
      : (knownIds().get(token.toLowerCase()) ?? token),
  );
}

function parseCanonical(text: string): string | undefined {
  try {
    return render(parseSpdx(text), undefined);
  } catch {
    return undefined;
  }
}

/**
 * The canonical form of an SPDX licence expression (`( MIT )` -> `MIT`, `zlib` -> `Zlib`,
 * `MIT or Apache-2.0` -> `MIT OR Apache-2.0`), or undefined when the text is not one (`GPL2`,
 * `MIT BSD`).
 */
export function spdxExpression(text: string): string | undefined {
  const parsed = parseCanonical(text);
  if (parsed !== undefined) return parsed;
  const recased = withCanonicalIds(text);
  return recased === text ? undefined : parseCanonical(recased);
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
