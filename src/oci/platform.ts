import { arch as hostArch } from 'node:os';
import { ImageError } from './errors.js';

export interface PlatformSpec {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string | undefined;
}

const NODE_TO_GO_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

/** The platform this process runs on, in OCI terms. */
export function hostPlatform(): PlatformSpec {
  const architecture = NODE_TO_GO_ARCH[hostArch()] ?? hostArch();
  return architecture === 'arm64'
    ? { os: 'linux', architecture, variant: 'v8' }
    : { os: 'linux', architecture };
}

/** Parses `os/arch[/variant]`, as `--platform` takes it. */
export function parsePlatform(value: string): PlatformSpec {
  const parts = value.split('/');
  const [os, architecture, variant] = parts;
  if (
    parts.length < 2 ||
    parts.length > 3 ||
    !os ||
    !architecture ||
    (parts.length === 3 && !variant)
  ) {
    throw new ImageError(
      'PLATFORM_NOT_FOUND',
      `invalid platform "${value}" (expected os/arch[/variant])`,
    );
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(platform: PlatformSpec): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

function normalizeVariant(architecture: string, variant: string | undefined): string | undefined {
  if (architecture === 'arm64' && (variant === undefined || variant === '')) return 'v8';
  return variant === '' ? undefined : variant;
}

/** Whether an index entry's platform satisfies a wanted platform (variant only when asked for). */
export function platformMatches(
  candidate: { os: string; architecture: string; variant?: string | undefined },
  wanted: PlatformSpec,
): boolean {
  if (candidate.os !== wanted.os || candidate.architecture !== wanted.architecture) return false;
  if (wanted.variant === undefined) return true;
  return (
    normalizeVariant(candidate.architecture, candidate.variant) ===
    normalizeVariant(wanted.architecture, wanted.variant)
  );
}
