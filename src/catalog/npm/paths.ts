/**
 * Path tests for npm files. `claims()` runs for every entry of every layer, so these are plain
 * string scans: no regex, no allocation beyond what `indexOf` needs.
 */

const NODE_MODULES = 'node_modules/';
const PACKAGE_JSON = '/package.json';
export const HIDDEN_LOCKFILE = 'node_modules/.package-lock.json';
export const LOCKFILE_NAMES = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
] as const;
export type LockfileName = (typeof LOCKFILE_NAMES)[number];

/** Does `path` hold `segment` (a whole path component, with its trailing slash) at `at`? */
function segmentAt(path: string, segment: string, at: number): boolean {
  return at >= 0 && (at === 0 || path.charCodeAt(at - 1) === 0x2f) && path.startsWith(segment, at);
}

/**
 * Reads one package folder name (`foo` or `@scope/foo`) at `start`, returning the index just past
 * it (at the following slash), or -1 when there is none. Names starting with `.` are npm's own
 * folders (`.bin`, `.cache`), except pnpm's `.pnpm/<id>/` store, which the caller handles.
 */
function packageFolderEnd(path: string, start: number): number {
  if (start >= path.length || path.charCodeAt(start) === 0x2e) return -1;
  const slash = path.indexOf('/', start);
  if (slash === -1 || slash === start) return -1;
  if (path.charCodeAt(start) !== 0x40) return slash;
  const second = path.indexOf('/', slash + 1);
  return second === -1 || second === slash + 1 ? -1 : second;
}

/**
 * An installed package's manifest: `…/node_modules/<name>/package.json` or
 * `…/node_modules/@scope/<name>/package.json`, where everything after the first `node_modules/`
 * alternates package folders and `node_modules/` (pnpm's `.pnpm/<id>/node_modules/` store
 * included). A `package.json` anywhere else inside a package (test fixtures, `lib/package.json`
 * type markers) is not an installed package.
 */
export function isInstalledPackageJson(path: string): boolean {
  if (!path.endsWith(PACKAGE_JSON)) return false;
  let at = path.indexOf(NODE_MODULES);
  while (at > 0 && path.charCodeAt(at - 1) !== 0x2f) at = path.indexOf(NODE_MODULES, at + 1);
  if (at === -1) return false;
  const end = path.length - PACKAGE_JSON.length;
  for (;;) {
    let start = at + NODE_MODULES.length;
    if (path.startsWith('.pnpm/', start)) {
      const id = path.indexOf('/', start + 6);
      if (id === -1 || !path.startsWith(NODE_MODULES, id + 1)) return false;
      start = id + 1 + NODE_MODULES.length;
    }
    const folderEnd = packageFolderEnd(path, start);
    if (folderEnd === -1) return false;
    if (folderEnd === end) return true;
    if (!path.startsWith(NODE_MODULES, folderEnd + 1)) return false;
    at = folderEnd + 1;
  }
}

/** Which lockfile a path is, when it is one the cataloger reads. */
export function lockfileKind(path: string): LockfileName | 'hidden' | undefined {
  if (
    path.endsWith(HIDDEN_LOCKFILE) &&
    segmentAt(path, HIDDEN_LOCKFILE, path.length - HIDDEN_LOCKFILE.length)
  ) {
    return 'hidden';
  }
  for (const name of LOCKFILE_NAMES) {
    if (path.endsWith(name) && segmentAt(path, name, path.length - name.length)) {
      // A lockfile inside node_modules came with a published package (its author's dev tree),
      // not with this install: reporting it would invent packages that are not there.
      return path.includes(NODE_MODULES) ? undefined : name;
    }
  }
  return undefined;
}

/** The package name a package-lock `packages` key installs: the part after its last `node_modules/`. */
export function nameFromInstallPath(key: string): string | undefined {
  const at = key.lastIndexOf(NODE_MODULES);
  if (at === -1 || (at > 0 && key.charCodeAt(at - 1) !== 0x2f)) return undefined;
  const name = key.slice(at + NODE_MODULES.length);
  return name === '' ? undefined : name;
}

/** Folders inside a package that hold fixtures, not code the package runs. */
const NOT_CODE_SEGMENTS = [
  '/test/',
  '/tests/',
  '/__tests__/',
  '/fixture/',
  '/fixtures/',
  '/example/',
  '/examples/',
  '/benchmark/',
  '/benchmarks/',
  '/docs/',
  '/spec/',
];

/**
 * A package.json inside an installed package's own files, outside fixture folders:
 * `node_modules/next/dist/compiled/@vercel/og/package.json`, `…/vendor/text-encoding/package.json`.
 * Such a file is a vendored copy of another package when its name matches its folder (checked
 * by the parser together with `private`), and then its code ships in the image.
 */
export function isNestedPackageJson(path: string): boolean {
  if (!path.endsWith(PACKAGE_JSON) || isInstalledPackageJson(path)) return false;
  const at = path.indexOf(NODE_MODULES);
  if (at === -1 || (at > 0 && path.charCodeAt(at - 1) !== 0x2f)) return false;
  const inside = path.slice(at);
  for (const segment of NOT_CODE_SEGMENTS) if (inside.includes(segment)) return false;
  return true;
}

/**
 * A package.json outside any node_modules folder and outside fixture folders: an unpacked package
 * (`opt/yarn-v1.22.19/package.json` in the official node images, a Jupyter lab extension) or a
 * project's own manifest. The parser keeps it when it names a package and a version and is not
 * private; `dropProjectManifests` then drops the ones that are projects (see shadowed.ts).
 */
export function isStandalonePackageJson(path: string): boolean {
  if (!path.endsWith(PACKAGE_JSON) || hasSegment(path, NODE_MODULES)) return false;
  const inside = `/${path}`;
  for (const segment of NOT_CODE_SEGMENTS) if (inside.includes(segment)) return false;
  return true;
}

/** Does `path` hold `segment` as whole path components anywhere? */
function hasSegment(path: string, segment: string): boolean {
  for (let at = path.indexOf(segment); at !== -1; at = path.indexOf(segment, at + 1)) {
    if (segmentAt(path, segment, at)) return true;
  }
  return false;
}

/** The folder name a package.json sits in, as a package name (`og`, or `@vercel/og`). */
export function folderPackageName(path: string): string {
  const parts = path.split('/');
  const folder = parts[parts.length - 2] ?? '';
  const parent = parts[parts.length - 3] ?? '';
  if (folder.startsWith('@')) return ''; // a scope folder is never a package
  return parent.startsWith('@') ? `${parent}/${folder}` : folder;
}
