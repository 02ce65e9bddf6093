import { CVE_ID } from '../../normalize.js';

export interface SecfixId {
  readonly id: string;
  readonly aliases: readonly string[];
  readonly related: readonly string[];
}

export interface SecfixLine {
  /** One record per vulnerability the line names. */
  readonly ids: readonly SecfixId[];
  /** A parenthesised remark ("not actually applicable", "SMB printing disabled"). */
  readonly note?: string;
  /** Tokens that looked like a CVE id but were not one (CVE_2019-2426, CVE-46838). */
  readonly rejected: readonly string[];
}

/** An identifier token: letters, then groups joined by - or _ (XSA-182, ZDI-CAN-22300, wnpa-sec-2017-18). */
const ID_TOKEN = /^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)+$/;
/** A CVE id inside a token with trailing text (CVE-2017-17434-1, CVE-2021-35940.patch). */
const EMBEDDED_CVE = /^(?<cve>CVE-\d{4}-\d{4,})(?:[-.][A-Za-z0-9.]+)?$/;

/**
 * One line of a secfixes list. Alpine writes free text there: mostly a CVE id, sometimes with
 * other ids (`CVE-2016-6258 XSA-182`), several CVEs, a remark in parentheses, or a non-CVE id
 * alone (`XSA-207`, `GHSA-...`, `ALPINE-13661`). Placeholders such as `CVE-????-?????` or
 * `N/A` name nothing and are dropped.
 *
 * One CVE with other ids: those ids are aliases (XSA-182 is CVE-2016-6258). Several CVEs: each
 * is its own record and the other ids are related (XSA-313 covers two CVEs). No CVE: the first
 * id is the record and the rest are its aliases.
 */
export function parseSecfixLine(line: string): SecfixLine {
  const paren = line.indexOf('(');
  const head = paren === -1 ? line : line.slice(0, paren);
  const note =
    paren === -1
      ? undefined
      : line
          .slice(paren)
          .replace(/^\(|\)$/g, '')
          .trim() || undefined;
  const cves: string[] = [];
  const others: string[] = [];
  const rejected: string[] = [];
  for (const token of head.split(/\s+/).filter((t) => t !== '')) {
    if (CVE_ID.test(token)) {
      if (!cves.includes(token)) cves.push(token);
      continue;
    }
    const embedded = EMBEDDED_CVE.exec(token)?.groups?.['cve'];
    if (embedded !== undefined) {
      if (!cves.includes(embedded)) cves.push(embedded);
      continue;
    }
    if (/^CVE\b/i.test(token) || /^CVE_/i.test(token)) {
      if (/\d/.test(token) && !token.includes('?')) rejected.push(token);
      continue;
    }
    if (ID_TOKEN.test(token) && !others.includes(token)) others.push(token);
  }
  let ids: SecfixId[];
  if (cves.length === 1) ids = [{ id: cves[0] ?? '', aliases: others, related: [] }];
  else if (cves.length > 1) ids = cves.map((id) => ({ id, aliases: [], related: others }));
  else
    ids = others.length > 0 ? [{ id: others[0] ?? '', aliases: others.slice(1), related: [] }] : [];
  return { ids, rejected, ...(note === undefined ? {} : { note }) };
}
