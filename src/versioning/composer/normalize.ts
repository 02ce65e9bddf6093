/**
 * Composer's VersionParser::normalize (composer/semver 3.x): `1.2` -> `1.2.0.0`,
 * `v1.0-beta.2` -> `1.0.0.0-beta2`, `2.x-dev` -> `2.9999999.9999999.9999999-dev`,
 * `dev-main` and `master` -> branch names, date versions like `2010.01.02` kept by part.
 */
const MODIFIER =
  '[._-]?(?:(?<stability>stable|beta|b|RC|alpha|a|patch|pl|p)(?<stabilityNumber>(?:[.-]?\\d+)*)?)?(?<dev>[.-]?dev)?';
const CLASSICAL = new RegExp(
  `^v?(?<n1>\\d{1,5})(?<n2>\\.\\d+)?(?<n3>\\.\\d+)?(?<n4>\\.\\d+)?${MODIFIER}$`,
  'i',
);
const DATE = new RegExp(
  `^v?(?<date>\\d{4}(?:[.:-]?\\d{2}){1,6}(?:[.:-]?\\d{1,3}){0,2})${MODIFIER}$`,
  'i',
);
const ALIAS = /^(?<version>[^,\s]+) +as +[^,\s]+$/;
const STABILITY_FLAG = /@(?:stable|RC|beta|alpha|dev)$/i;
const BUILD = /^(?<version>[^,\s+]+)\+\S+$/;
const DEV_SUFFIX = /^(?<branch>.*?)[.-]?dev$/i;
const BRANCH =
  /^v?(?<n1>\d+)(?<n2>\.(?:\d+|[xX*]))?(?<n3>\.(?:\d+|[xX*]))?(?<n4>\.(?:\d+|[xX*]))?$/;

function expandStability(stability: string): string {
  const lower = stability.toLowerCase();
  if (lower === 'a') return 'alpha';
  if (lower === 'b') return 'beta';
  if (lower === 'p' || lower === 'pl') return 'patch';
  if (lower === 'rc') return 'RC';
  return lower;
}

/** The modifiers after a matched numeric part: `-beta2`, `-dev`, or nothing for `stable`. */
function withModifiers(
  version: string,
  groups: Readonly<Record<string, string | undefined>>,
): string {
  let out = version;
  const stability = groups['stability'];
  if (stability) {
    if (stability.toLowerCase() === 'stable') return out;
    out += `-${expandStability(stability)}${(groups['stabilityNumber'] ?? '').replace(/^[.-]+/, '')}`;
  }
  if (groups['dev']) out += '-dev';
  return out;
}

/** VersionParser::normalizeBranch: numeric branches become 9999999-padded dev versions. */
function normalizeBranch(name: string): string {
  const groups = BRANCH.exec(name.trim())?.groups;
  if (!groups) return `dev-${name}`;
  let version = '';
  for (const key of ['n1', 'n2', 'n3', 'n4'])
    version += groups[key] ? groups[key].replace(/[*X]/g, 'x') : '.x';
  return `${version.replace(/x/g, '9999999')}-dev`;
}

/** The normalized version, or undefined where Composer throws "Invalid version string". */
export function normalizeComposerVersion(input: string): string | undefined {
  let version = input.trim();
  if (version === '' || /[\s]/.test(version.replace(/ +as +/, ''))) return undefined;
  version = ALIAS.exec(version)?.groups?.['version'] ?? version;
  version = version.replace(STABILITY_FLAG, '');
  if (version === 'master' || version === 'trunk' || version === 'default')
    version = `dev-${version}`;
  if (version.toLowerCase().startsWith('dev-'))
    return version.length > 4 ? `dev-${version.slice(4)}` : undefined;
  version = BUILD.exec(version)?.groups?.['version'] ?? version;

  const classical = CLASSICAL.exec(version)?.groups;
  if (classical) {
    const numbers = `${classical['n1'] ?? '0'}${classical['n2'] ?? '.0'}${classical['n3'] ?? '.0'}${classical['n4'] ?? '.0'}`;
    return withModifiers(numbers, classical);
  }
  const date = DATE.exec(version)?.groups;
  if (date) return withModifiers((date['date'] ?? '').replace(/\D/g, '.'), date);

  const dev = DEV_SUFFIX.exec(version)?.groups;
  if (dev) {
    const normalized = normalizeBranch(dev['branch'] ?? '');
    if (!normalized.includes('dev-')) return normalized;
  }
  return undefined;
}
