/** Package types are purl types (https://github.com/package-url/purl-spec/blob/main/PURL-TYPES.rst). */
export type PackageType =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'golang'
  | 'maven'
  | 'gem'
  | 'cargo'
  | 'nuget'
  | 'composer';

export const OS_PACKAGE_TYPES: ReadonlySet<PackageType> = new Set(['deb', 'apk', 'rpm']);

/** What `/etc/os-release` (or a fallback file) says about the distribution. */
export interface OsInfo {
  /** Lower-case distro id: `debian`, `ubuntu`, `alpine`, `rhel`, `centos`, `fedora`, ... */
  readonly id: string;
  readonly versionId: string | undefined;
  readonly versionCodename: string | undefined;
  readonly name: string | undefined;
  readonly prettyName: string | undefined;
  readonly idLike: readonly string[];
}

/** One package as a cataloger reads it from one file. */
export interface PackageRecord {
  readonly type: PackageType;
  readonly name: string;
  /** The version as the ecosystem writes it (rpm: `version-release`, without epoch). */
  readonly version: string;
  /** purl namespace where the ecosystem has one (Maven groupId, npm scope, Go module prefix). */
  readonly namespace?: string | undefined;
  readonly arch?: string | undefined;
  /** rpm/dpkg epoch, when not zero. */
  readonly epoch?: number | undefined;
  /** For OS packages: the source package (dpkg `Source:`, rpm `SOURCERPM`, apk origin). */
  readonly source?: { readonly name: string; readonly version: string } | undefined;
  readonly licenses?: readonly string[] | undefined;
  /**
   * Who supplies the package, as its package database records it: dpkg `Maintainer`, apk `m:`,
   * rpm `Vendor` (`Matthias Klose <doko@debian.org>`, `Red Hat, Inc.`). Raw; SBOM formats split it.
   */
  readonly supplier?: string | undefined;
  /**
   * Who wrote the package, as its metadata names them, in the same `Name <email>` form: npm
   * `author`, PyPI `Author`/`Author-email`, the first of a gem's or Composer package's `authors`.
   */
  readonly originator?: string | undefined;
  /**
   * What the package needs, as its database records it: one entry per requirement, met by any of
   * its alternatives (dpkg `a | b`). Names are package names (with the namespace:
   * `github.com/org/repo`), `name@version` for one version, or capabilities: dpkg virtual
   * packages, apk `so:`/`cmd:` names, rpm provides and file paths. Resolved into `dependsOn`
   * against the image's packages (a language package's: in the same file) when the catalog is
   * built, then dropped.
   */
  readonly requires?: readonly (readonly string[])[] | undefined;
  /** Capabilities the package provides besides its own name (dpkg `Provides`, apk `p:`, rpm provides). */
  readonly provides?: readonly string[] | undefined;
  /**
   * The version constraint of a requirement, by required name, in the package type's own syntax
   * (a gem's `~> 1.2, >= 1.2.3`), for a cataloger's `pickDependency` to choose among installed
   * versions. Dropped with `requires` once resolved.
   */
  readonly requireConstraints?: Readonly<Record<string, string>> | undefined;
  /** Files this package installed (OS package file lists), image-relative. */
  readonly files?: readonly string[] | undefined;
  /** purl qualifiers beyond those derived from the OS (arch, distro, epoch, upstream). */
  readonly qualifiers?: Readonly<Record<string, string>> | undefined;
  /** A location inside the claimed file (`lib/inner.jar` inside a war), appended as `file!inner`. */
  readonly innerPath?: string | undefined;
  /** Ecosystem-specific facts worth keeping (dev dependency, Go main module, ...). */
  readonly metadata?: Readonly<Record<string, string | number | boolean>> | undefined;
}

export interface Location {
  readonly path: string;
  /** The layer that last added or changed the file: its diff_id (or blob digest), and index. */
  readonly layerDiffId: string | undefined;
  readonly layerDigest: string | undefined;
  readonly layerIndex: number;
}

/** A catalogued package: a record with identity, purl, where it was found, and who owns it. */
export interface Package extends PackageRecord {
  /** Stable within an SBOM: derived from type, name, version, and first location. */
  readonly id: string;
  readonly purl: string;
  readonly cataloger: string;
  readonly locations: readonly Location[];
  /** The ids of the packages of this catalog it depends on: its `requires`, resolved. */
  readonly dependsOn?: readonly string[] | undefined;
  /** The OS package whose file list contains this package's file (e.g. a Go binary from a .deb). */
  readonly ownedBy?: { readonly type: PackageType; readonly name: string } | undefined;
}
