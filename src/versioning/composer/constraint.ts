import type { VersionPredicate } from '../define-api.js';
import { invalidConstraint } from '../errors.js';
import { normalizeComposerVersion } from './normalize.js';
import {
  compareComposerVersions,
  fromNormalized,
  parseComposerVersion,
  type ComposerVersion,
} from './parse.js';

type Op = '==' | '!=' | '<' | '<=' | '>' | '>=';

const MODIFIER = String.raw`[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?`;
// VersionParser's $versionRegex: groups 1-4 numbers, 5-7 modifier, 8 `.x-dev`.
const VERSION = String.raw`v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:${MODIFIER}|\.([xX*][.-]?dev))(?:\+\S+)?`;
const TILDE = new RegExp(`^~>?${VERSION}$`, 'i');
const CARET = new RegExp(`^\\^${VERSION}$`, 'i');
const WILDCARD = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.[xX*])+$/;
const HYPHEN = new RegExp(`^(?<from>${VERSION}) +- +(?<to>${VERSION})$`, 'i');
const COMPARATOR = /^(?<op><>|!=|>=?|<=?|==?)?\s*(?<version>.*)$/;
// Case-sensitive on purpose: Composer lower-cases the text and tests it with this regex, so
// `<1.0-rc1` still gets `-dev` appended (its RC alternative is upper-case).
const ENDS_WITH_MODIFIER = new RegExp(`-${MODIFIER}$`);

/** VersionParser::parseStability on a normalized version. */
function isStable(normalized: string): boolean {
  const lower = normalized.toLowerCase();
  if (lower.startsWith('dev-') || lower.endsWith('-dev')) return false;
  return !/-(?:alpha|beta|rc)\d*$/.test(lower);
}

/**
 * Constraint::versionCompare: any `dev-` version (default branches included: constraints see
 * `dev-master`, not its sort key) matches only `==` itself or `!=` anything else.
 */
function test(op: Op, bound: ComposerVersion): VersionPredicate<ComposerVersion> {
  const boundIsBranch = bound.normalized.startsWith('dev-');
  return (v) => {
    const isBranch = v.normalized.startsWith('dev-');
    if (isBranch || boundIsBranch) {
      if (op === '!=') return v.normalized !== bound.normalized;
      return op === '==' && isBranch && boundIsBranch && v.normalized === bound.normalized;
    }
    const order = compareComposerVersions(v, bound);
    switch (op) {
      case '==':
        return order === 0;
      case '!=':
        return order !== 0;
      case '<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      case '>=':
        return order >= 0;
    }
  };
}

/** VersionParser::manipulateVersionString: bump one position, zero the rest. */
function bumped(
  numbers: readonly (string | undefined)[],
  position: number,
  increment: number,
): string {
  const parts = [0, 1, 2, 3].map((i) => BigInt(numbers[i] ?? '0'));
  for (let i = 3; i >= position - 1; i--) {
    if (i >= position) parts[i] = 0n;
    else parts[i] = (parts[i] ?? 0n) + BigInt(increment);
  }
  return parts.join('.');
}

function versionOrFail(text: string, fail: (why: string) => never): ComposerVersion {
  return parseComposerVersion(text) ?? fail(`${JSON.stringify(text)} is not a version`);
}

/** One constraint without `,`/`||` (VersionParser::parseConstraint). */
function parseSingle(
  raw: string,
  fail: (why: string) => never,
): VersionPredicate<ComposerVersion>[] {
  const version = (text: string): ComposerVersion => versionOrFail(text, fail);
  let constraint = /^(?<c>[^,\s]+) +as +[^,\s]+$/.exec(raw)?.groups?.['c'] ?? raw;
  let stabilityModifier = '';
  const flag = /^(?<c>[^,\s]*?)@(?<s>stable|RC|beta|alpha|dev)$/i.exec(constraint)?.groups;
  if (flag) {
    constraint = flag['c'] || '*';
    if (flag['s'] !== 'stable') stabilityModifier = flag['s'] ?? '';
  }
  constraint = constraint.replace(/^(?<c>dev-[^,\s@]+?|[^,\s@]+?\.x-dev)#.+$/i, '$<c>');
  const any = /^(?<v>v)?[xX*](?<rest>\.[xX*])*$/i.exec(constraint)?.groups;
  if (any)
    return any['v'] || any['rest'] ? [test('>=', fromNormalized('0.0.0.0-dev'))] : [() => true];
  const numbersOf = (m: RegExpExecArray): (string | undefined)[] => [m[1], m[2], m[3], m[4]];
  const unstable = (m: RegExpExecArray): boolean => Boolean(m[5] || m[7] || m[8]);

  const tilde = TILDE.exec(constraint);
  if (tilde) {
    if (constraint.startsWith('~>')) fail('invalid operator "~>"; Composer uses "~"');
    // `~2.x-dev` shifts the position, as if the x were a number.
    const position = (tilde[4] ? 4 : tilde[3] ? 3 : tilde[2] ? 2 : 1) + (tilde[8] ? 1 : 0);
    const low = version(constraint.slice(1) + (unstable(tilde) ? '' : '-dev'));
    const high = fromNormalized(`${bumped(numbersOf(tilde), Math.max(1, position - 1), 1)}-dev`);
    return [test('>=', low), test('<', high)];
  }
  const caret = CARET.exec(constraint);
  if (caret) {
    const position = caret[1] !== '0' || !caret[2] ? 1 : caret[2] !== '0' || !caret[3] ? 2 : 3;
    const low = version(constraint.slice(1) + (unstable(caret) ? '' : '-dev'));
    const high = fromNormalized(`${bumped(numbersOf(caret), position, 1)}-dev`);
    return [test('>=', low), test('<', high)];
  }
  const wildcard = WILDCARD.exec(constraint);
  if (wildcard) {
    const position = wildcard[3] ? 3 : wildcard[2] ? 2 : 1;
    const lowText = `${bumped(numbersOf(wildcard), position, 0)}-dev`;
    const high = test('<', fromNormalized(`${bumped(numbersOf(wildcard), position, 1)}-dev`));
    return lowText === '0.0.0.0-dev' ? [high] : [test('>=', fromNormalized(lowText)), high];
  }
  const hyphen = HYPHEN.exec(constraint);
  if (hyphen) {
    // Groups: from = 1 (numbers 2-5, modifier 6-8, x-dev 9), to = 10 (11-14, 15-17, 18).
    const present = (x: string | undefined): boolean => x !== undefined && x !== '';
    const low = fromNormalized(
      version(hyphen.groups?.['from'] ?? '').normalized +
        (hyphen[6] || hyphen[8] || hyphen[9] ? '' : '-dev'),
    );
    const to = hyphen.groups?.['to'] ?? '';
    const toFull =
      (present(hyphen[12]) && present(hyphen[13])) ||
      Boolean(hyphen[15] || hyphen[17] || hyphen[18]);
    if (toFull) return [test('>=', low), test('<=', version(to))];
    version(to);
    const high = fromNormalized(
      `${bumped([hyphen[11], hyphen[12], hyphen[13], hyphen[14]], present(hyphen[12]) ? 2 : 1, 1)}-dev`,
    );
    return [test('>=', low), test('<', high)];
  }
  const comparator = COMPARATOR.exec(constraint)?.groups;
  const text = comparator?.['version'] ?? '';
  let normalized = normalizeComposerVersion(text);
  // "foobar-dev" is read as the branch dev-foobar (VersionParser's recovery).
  if (normalized === undefined && text.endsWith('-dev') && /^[0-9a-zA-Z./-]+$/.test(text))
    normalized = normalizeComposerVersion(`dev-${text.slice(0, -4)}`);
  if (normalized === undefined) return fail(`${JSON.stringify(text)} is not a version`);
  const rawOp = comparator?.['op'] || '=';
  const op: Op = rawOp === '=' ? '==' : rawOp === '<>' ? '!=' : (rawOp as Op);
  if (op !== '==' && stabilityModifier && isStable(normalized))
    normalized += `-${stabilityModifier}`;
  // ">=1.0" also admits 1.0's pre-releases, "<1.0" excludes them: the bound becomes 1.0.0.0-dev.
  else if (
    (op === '<' || op === '>=') &&
    !ENDS_WITH_MODIFIER.test(text.toLowerCase()) &&
    !text.startsWith('dev-')
  )
    normalized += '-dev';
  return [test(op, fromNormalized(normalized))];
}

/**
 * Composer constraints (VersionParser::parseConstraints): `||` (or `|`) between alternatives,
 * `,` or space between conjuncts, and `^`, `~`, `1.2.*`, `1.0 - 2.0`, comparators, `dev-` branches,
 * `@stability` flags. GHSA's `>= 4.0.0, < 6.5.7` is a valid Composer constraint as it stands.
 */
export function parseComposerConstraint(
  scheme: string,
  constraint: string,
): VersionPredicate<ComposerVersion> {
  const fail = (why: string): never => {
    throw invalidConstraint(scheme, constraint, why);
  };
  const trimmed = constraint.trim();
  if (trimmed === '') fail('empty');
  const alternatives = trimmed.split(/\s*\|\|?\s*/).map((alternative) => {
    const conjuncts = alternative.split(/(?<!^|as|[=>< ,]) *(?<!-)[, ](?!-) *(?!,|as|$)/);
    if (conjuncts.some((c) => c.trim() === '')) fail('empty constraint part');
    const predicates = conjuncts.flatMap((c) => parseSingle(c.trim(), fail));
    return (v: ComposerVersion) => predicates.every((p) => p(v));
  });
  return (v) => alternatives.some((a) => a(v));
}
