/** A PEP 440 version, numbers as digit strings without leading zeros (Python ints are unbounded). */
export interface Pep440Version {
  readonly epoch: string;
  readonly release: readonly string[];
  readonly pre: { readonly label: 'a' | 'b' | 'rc'; readonly number: string } | undefined;
  readonly post: string | undefined;
  readonly dev: string | undefined;
  /** Local label parts, lower-cased; numeric parts stay digit strings. */
  readonly local: readonly string[] | undefined;
  /** The normalized form (what packaging's str(Version) prints). */
  readonly normalized: string;
}

// packaging's VERSION_PATTERN (the PEP 440 appendix regex), with named groups.
const VERSION =
  /^\s*v?(?:(?<epoch>\d+)!)?(?<release>\d+(?:\.\d+)*)(?:[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>\d+)?)?(?:-(?<postN1>\d+)|[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>\d+)?)?(?:[-_.]?(?<devL>dev)[-_.]?(?<devN>\d+)?)?(?:\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

export function stripZeros(digits: string): string {
  const stripped = digits.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}

function preLabel(label: string): 'a' | 'b' | 'rc' {
  const lower = label.toLowerCase();
  if (lower === 'a' || lower === 'alpha') return 'a';
  if (lower === 'b' || lower === 'beta') return 'b';
  return 'rc';
}

/** Parses and normalizes like packaging.version.Version (PEP 440 §Normalization). */
export function parsePep440Version(text: string): Pep440Version | undefined {
  const g = VERSION.exec(text)?.groups;
  if (!g) return undefined;
  const epoch = stripZeros(g['epoch'] ?? '0');
  const release = (g['release'] ?? '0').split('.').map(stripZeros);
  const pre =
    g['preL'] === undefined
      ? undefined
      : { label: preLabel(g['preL']), number: stripZeros(g['preN'] ?? '0') };
  const postDigits = g['postN1'] ?? g['postN2'];
  const post =
    g['postN1'] !== undefined || g['postL'] !== undefined
      ? stripZeros(postDigits ?? '0')
      : undefined;
  const dev = g['devL'] === undefined ? undefined : stripZeros(g['devN'] ?? '0');
  const local =
    g['local'] === undefined
      ? undefined
      : g['local']
          .toLowerCase()
          .split(/[-_.]/)
          .map((p) => (/^\d+$/.test(p) ? stripZeros(p) : p));
  let normalized = epoch === '0' ? '' : `${epoch}!`;
  normalized += release.join('.');
  if (pre) normalized += `${pre.label}${pre.number}`;
  if (post !== undefined) normalized += `.post${post}`;
  if (dev !== undefined) normalized += `.dev${dev}`;
  if (local) normalized += `+${local.join('.')}`;
  return { epoch, release, pre, post, dev, local, normalized };
}

/** The version without its local label (packaging's `.public`). */
export function publicVersion(v: Pep440Version): Pep440Version {
  if (!v.local) return v;
  return { ...v, local: undefined, normalized: v.normalized.replace(/\+.*$/, '') };
}

export function isPrerelease(v: Pep440Version): boolean {
  return v.pre !== undefined || v.dev !== undefined;
}
