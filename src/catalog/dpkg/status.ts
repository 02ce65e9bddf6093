/**
 * dpkg's `Status: <want> <flag> <status>` (dpkg-query(1), "Package status"). `want` is what the
 * admin asked for and `flag` is `ok` or `reinstreq`; neither says whether files are on disk. The
 * third word does: `not-installed` and `config-files` (only conffiles left after a remove) leave
 * no package contents; every other state has the package's files unpacked, configured or not.
 */
const FILES_PRESENT = new Set([
  'installed',
  'unpacked',
  'half-configured',
  'half-installed',
  'triggers-awaited',
  'triggers-pending',
]);
const FILES_ABSENT = new Set(['not-installed', 'config-files']);
const WANTS = new Set(['unknown', 'install', 'hold', 'deinstall', 'purge']);
const FLAGS = new Set(['ok', 'reinstreq']);

export type StatusVerdict =
  { readonly installed: boolean; readonly state: string } | { readonly error: string };

/**
 * Whether a stanza describes a package whose files are installed. Distroless `status.d` files
 * have no Status field and list only installed packages (`missing: 'installed'`); in dpkg's own
 * `status` file a stanza without one is a package dpkg does not count as installed.
 */
export function installedState(
  status: string | undefined,
  missing: 'installed' | 'not-installed',
): StatusVerdict {
  if (status === undefined) return { installed: missing === 'installed', state: missing };
  const words = status.split(/\s+/u).filter(Boolean);
  const [want, flag, state] = words;
  if (words.length !== 3 || want === undefined || flag === undefined || state === undefined) {
    return { error: `Status "${status}" is not "<want> <flag> <status>"` };
  }
  if (!WANTS.has(want) || !FLAGS.has(flag))
    return { error: `Status "${status}" has an unknown want or flag` };
  if (FILES_PRESENT.has(state)) return { installed: true, state };
  if (FILES_ABSENT.has(state)) return { installed: false, state };
  return { error: `Status "${status}" has an unknown state "${state}"` };
}
