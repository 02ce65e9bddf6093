import type { PackageRecord } from '../types.js';
import type { RawBuildInfo } from './build-info.js';
import { isFullSemver, stdlibVersion } from './go-version.js';
import { ldflagsVersion } from './ldflags.js';
import { parseModInfo, type BuildSetting, type GoModule } from './modinfo.js';

const DEVEL = '(devel)';
/** Characters golang.org/x/mod/module allows in module paths (plus `+`, seen in old gopkg paths). */
const MODULE_PATH = /^[A-Za-z0-9._~+-]+(?:\/[A-Za-z0-9._~+-]+)*$/;
const LOCAL_PATH = /^(?:\.\.?(?:[/\\]|$)|\/|[A-Za-z]:[/\\])/;

export interface GoPackages {
  readonly packages: PackageRecord[];
  readonly warnings: string[];
}

/** `github.com/org/repo/v2` -> namespace `github.com/org/repo`, name `v2` (purl-spec golang). */
function nameParts(path: string): { namespace?: string; name: string } {
  const slash = path.lastIndexOf('/');
  return slash < 0
    ? { name: path }
    : { namespace: path.slice(0, slash), name: path.slice(slash + 1) };
}

function record(
  path: string,
  version: string,
  metadata: Record<string, string | boolean>,
): PackageRecord {
  return { type: 'golang', ...nameParts(path), version, metadata };
}

function setting(settings: readonly BuildSetting[], key: string): string | undefined {
  return settings.find((s) => s.key === key)?.value;
}

/**
 * A dependency as Trivy and Syft report it: a module replaced by another module is reported as
 * the replacement (that is the code compiled in). A replacement by a local directory has no
 * module identity, so the original path is kept with no version.
 */
function dependency(dep: GoModule, warnings: string[]): PackageRecord | undefined {
  if (dep.path === '') return undefined;
  const replace = dep.replace;
  const metadata: Record<string, string | boolean> = {};
  let path = dep.path;
  let version = dep.version;
  if (replace && LOCAL_PATH.test(replace.path)) {
    version = '';
    metadata['replacedByDirectory'] = replace.path;
  } else if (replace) {
    path = replace.path;
    version = replace.version;
    metadata['replaces'] = dep.version ? `${dep.path}@${dep.version}` : dep.path;
  }
  if (!MODULE_PATH.test(path)) {
    warnings.push(`skipped Go module with an invalid path: ${JSON.stringify(path.slice(0, 200))}`);
    return undefined;
  }
  if (version === DEVEL) version = '';
  if (version.startsWith('v') && !isFullSemver(version)) {
    warnings.push(
      `Go module ${path} has an invalid version ${JSON.stringify(version.slice(0, 100))}; reported without one`,
    );
    version = '';
  }
  return record(path, version, metadata);
}

/**
 * The main module. Its version is the module version when `go install module@version` built it;
 * a local build says `(devel)`, and then (as Trivy does) a version stamped through `-ldflags -X`
 * is used. Without either it is reported with no version: a pseudo-version invented from the
 * VCS stamp (as Syft does) would sort before every real release and match every advisory.
 */
function mainModule(main: GoModule, settings: readonly BuildSetting[]): PackageRecord | undefined {
  if (main.path === '' || !MODULE_PATH.test(main.path)) return undefined;
  const metadata: Record<string, string | boolean> = { mainModule: true };
  let version = main.version === DEVEL || !isFullSemver(main.version) ? '' : main.version;
  const ldflags = setting(settings, '-ldflags');
  const stamped = ldflags === undefined ? undefined : ldflagsVersion(main.path, ldflags);
  if (stamped && (version === '' || version.startsWith('v0.0.0-'))) {
    version = stamped;
    metadata['versionFrom'] = 'ldflags';
  }
  const revision = setting(settings, 'vcs.revision');
  if (revision) metadata['vcsRevision'] = revision;
  if (setting(settings, 'vcs.modified') === 'true') metadata['vcsModified'] = true;
  return record(main.path, version, metadata);
}

/** Turns a binary's build info into packages: `stdlib`, the main module, and every dependency. */
export function goPackages(info: RawBuildInfo): GoPackages {
  const warnings: string[] = [];
  const packages: PackageRecord[] = [];
  const stdlib = stdlibVersion(info.goVersion);
  // A development toolchain (`devel go1.23-abc`) has no release to match advisories against.
  if (stdlib) packages.push(record('stdlib', stdlib, { goToolchain: info.goVersion }));
  const modinfo = parseModInfo(info.modinfo);
  warnings.push(...modinfo.problems);
  const main = modinfo.main ? mainModule(modinfo.main, modinfo.settings) : undefined;
  const deps: PackageRecord[] = [];
  for (const dep of modinfo.deps) {
    const pkg = dependency(dep, warnings);
    if (pkg) deps.push(pkg);
  }
  // Build info lists the modules compiled in, not who imports whom: as Trivy does, the main
  // module depends on each of them and on the standard library.
  if (main) {
    const requires = [...packages, ...deps].map((pkg) => [
      pkg.namespace ? `${pkg.namespace}/${pkg.name}` : pkg.name,
    ]);
    packages.push(requires.length > 0 ? { ...main, requires } : main);
  }
  packages.push(...deps);
  return { packages, warnings };
}
