import { Option, type Command } from 'commander';
import type { PlatformSpec, RegistryOptions } from '../oci/index.js';
import type { CliContext } from './context.js';
import { ConfigError } from '../errors/index.js';
import { parseByteSize } from './parse-size.js';
import { parseList, splitList } from './parse-list.js';
import {
  addRegistryOptions,
  resolveRegistryFlags,
  type RegistryFlags,
} from './registry-options.js';

/** Flags shared by every command that reads an image (sbom, scan, …). */
export interface ImageFlags extends RegistryFlags {
  readonly platform?: string;
  readonly dataDir?: string;
  readonly cache: boolean;
  readonly maxLayerSize?: string;
  readonly skipDirs?: readonly string[];
  readonly skipFiles?: readonly string[];
  readonly pkgTypes?: string;
}

/** `--pkg-types`, as Trivy names them. */
const PKG_TYPES = ['os', 'library'] as const;

/** Repeatable, comma-separated list flags (`--skip-dirs a,b --skip-dirs c`), as Trivy takes them. */
function collectList(value: string, previous: readonly string[] = []): string[] {
  return [...previous, ...splitList(value)];
}

export function addImageOptions(command: Command): Command {
  return addRegistryOptions(command)
    .option(
      '--platform <os/arch[/variant]>',
      "platform to pick from a multi-platform image (default: this host's)",
    )
    .option(
      '--data-dir <dir>',
      'data directory for caches and databases (default: $LOCKYARD_DATA_DIR or ~/.lockyard)',
    )
    .option('--no-cache', 'neither read nor write the layer cache')
    .addOption(
      new Option(
        '--max-layer-size <size>',
        'refuse layers that expand beyond this size (e.g. 10GiB)',
      ).default('32GiB'),
    )
    .option(
      '--skip-dirs <globs>',
      'leave out what is found in these folders (comma-separated globs, repeatable; e.g. usr/lib/node_modules,**/test)',
      collectList,
    )
    .option(
      '--skip-files <globs>',
      'leave out what is found in these files (comma-separated globs, repeatable; e.g. **/package-lock.json)',
      collectList,
    )
    .option(
      '--pkg-types <types>',
      `package types to report: ${PKG_TYPES.join(',')} (distribution and language packages)`,
      PKG_TYPES.join(','),
    );
}

export interface ResolvedImageFlags {
  readonly dataDir: string;
  readonly platform: PlatformSpec | undefined;
  readonly registry: RegistryOptions;
  readonly noCache: boolean;
  readonly maxLayerBytes: number;
  readonly skip:
    { readonly dirs: readonly string[]; readonly files: readonly string[] } | undefined;
  /** Only these kinds of packages; undefined: all. */
  readonly packageKinds: readonly ('os' | 'library')[] | undefined;
}

export async function resolveImageFlags(
  input: string,
  flags: ImageFlags,
  context: CliContext,
): Promise<ResolvedImageFlags> {
  const registry = await resolveRegistryFlags(input, flags, context);
  const [{ parsePlatform }, { resolveDataDir }] = await Promise.all([
    import('../oci/index.js'),
    import('../store/index.js'),
  ]);
  return {
    dataDir: resolveDataDir(flags.dataDir),
    platform: flags.platform ? parsePlatform(flags.platform) : undefined,
    registry,
    noCache: !flags.cache,
    maxLayerBytes: parseByteSize(flags.maxLayerSize ?? '32GiB', '--max-layer-size'),
    skip:
      (flags.skipDirs?.length ?? 0) > 0 || (flags.skipFiles?.length ?? 0) > 0
        ? { dirs: flags.skipDirs ?? [], files: flags.skipFiles ?? [] }
        : undefined,
    packageKinds: packageKinds(flags.pkgTypes),
  };
}

function packageKinds(value: string | undefined): ('os' | 'library')[] | undefined {
  if (value === undefined) return undefined;
  const kinds = parseList(value, PKG_TYPES, '--pkg-types');
  if (kinds.length === 0)
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `--pkg-types: name at least one of ${PKG_TYPES.join(', ')}`,
    );
  return PKG_TYPES.every((kind) => kinds.includes(kind)) ? undefined : kinds;
}

/**
 * `--platform` picks from a multi-platform image; a single-platform image is scanned as it is.
 * When the user asked for a platform and the image is another one, say so rather than let an
 * amd64 SBOM pass for the arm64 image that was asked for.
 */
export async function platformMismatch(
  image: string,
  requested: PlatformSpec | undefined,
  actual: string | undefined,
): Promise<string | undefined> {
  if (!requested || !actual) return undefined;
  const { formatPlatform, parsePlatform, platformMatches } = await import('../oci/index.js');
  let found: PlatformSpec;
  try {
    found = parsePlatform(actual);
  } catch {
    return undefined;
  }
  if (platformMatches(found, requested)) return undefined;
  return `${image}: the image is for ${actual}, not ${formatPlatform(requested)}: --platform only picks from a multi-platform image`;
}
