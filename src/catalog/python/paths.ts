/** Path tests for Python files; plain string checks because `claims()` sees every layer entry. */

/** An installed distribution's metadata: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, `EGG-INFO/PKG-INFO`. */
export function isInstalledMetadata(path: string): boolean {
  if (path.endsWith('.dist-info/METADATA')) return true;
  if (path.endsWith('/EGG-INFO/PKG-INFO')) return true;
  // `egg-info/PKG-INFO` preceded by `.` (name.egg-info) or `/` (a folder named egg-info).
  if (path.endsWith('egg-info/PKG-INFO')) {
    const before = path.charCodeAt(path.length - 'egg-info/PKG-INFO'.length - 1);
    return before === 0x2e || before === 0x2f;
  }
  // distutils writes a single `name-version-pyX.Y.egg-info` file instead of a folder.
  return path.endsWith('.egg-info');
}

/**
 * An egg-info folder's `requires.txt` (`x.egg-info/requires.txt`, `x.egg/EGG-INFO/requires.txt`):
 * the path of the PKG-INFO beside it, whose distribution it belongs to; undefined for any other file.
 */
export function eggRequiresOwner(path: string): string | undefined {
  if (!path.endsWith('/requires.txt')) return undefined;
  const metadata = `${path.slice(0, -'requires.txt'.length)}PKG-INFO`;
  return isInstalledMetadata(metadata) ? metadata : undefined;
}

/** A zipped egg: setuptools installs these whole onto sys.path (site-packages, dist-packages). */
export function isZippedEgg(path: string): boolean {
  return (
    path.endsWith('.egg') && (path.includes('site-packages/') || path.includes('dist-packages/'))
  );
}

export type PythonLockfile = 'requirements.txt' | 'Pipfile.lock' | 'poetry.lock' | 'uv.lock';
const LOCKFILES: readonly PythonLockfile[] = [
  'requirements.txt',
  'Pipfile.lock',
  'poetry.lock',
  'uv.lock',
];

/**
 * A project's lockfile. One inside site-packages/dist-packages came with an installed
 * distribution (its own test data or build inputs), not with this install.
 */
export function pythonLockfile(path: string): PythonLockfile | undefined {
  for (const name of LOCKFILES) {
    if (!path.endsWith(name)) continue;
    if (path.length !== name.length && path.charCodeAt(path.length - name.length - 1) !== 0x2f)
      return undefined;
    return path.includes('site-packages/') || path.includes('dist-packages/') ? undefined : name;
  }
  return undefined;
}

/** `a/b/c` -> `a/b`. */
function parent(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf('/'), 0));
}

/**
 * The folder on `sys.path` an installed distribution sits in (`usr/lib/python3/dist-packages`):
 * above `x.dist-info/METADATA`, `x.egg-info/PKG-INFO` and `x.egg/EGG-INFO/PKG-INFO`, or holding
 * a single-file `x.egg-info` or a zipped `x.egg`.
 */
export function sitePackagesOf(path: string): string {
  if (path.endsWith('/EGG-INFO/PKG-INFO')) return parent(parent(parent(path)));
  if (path.endsWith('/METADATA') || path.endsWith('/PKG-INFO')) return parent(parent(path));
  return parent(path);
}
