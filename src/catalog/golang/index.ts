import { defineCataloger, type ParseResult } from '../cataloger.js';
import { isElf, mayBeElfExecutable, parseElf } from '../internal/elf/index.js';
import { prefillBuildInfo, readGoBuildInfo } from './build-info.js';
import { goPackages } from './packages.js';
import { planBuildInfo } from './stream-plan.js';

/**
 * Go executables: the build info the Go toolchain embeds (go version -m), giving the toolchain
 * as `stdlib`, the main module and every dependency module with replacements applied.
 */
export const golangCataloger = defineCataloger({
  id: 'golang',
  displayName: 'Go binaries (build info)',
  urls: [
    'https://pkg.go.dev/debug/buildinfo',
    'https://pkg.go.dev/runtime/debug#BuildInfo',
    'https://go.dev/ref/mod#go-version-m',
    'https://github.com/package-url/purl-spec/blob/main/types-doc/golang-definition.md',
  ],
  packageTypes: ['golang'],
  version: 4,
  claims: mayBeElfExecutable,
  // An executable's body is read only when it starts as an ELF file does.
  wants: (_file, head) => isElf(head),
  // A 35 MB compiler is not read whole to learn that it is not Go.
  prefill: prefillBuildInfo,
  // In a compressed layer: the data segments, and what old build info points back at.
  planStream: planBuildInfo,
  parse(file): ParseResult {
    // Most executables in an image are not ELF at all (scripts) or not Go: both leave here fast.
    if (!isElf(file.content)) return {};
    const parsed = parseElf(file.content);
    if (!parsed.ok) return { warnings: [`unreadable ELF file: ${parsed.reason}`] };
    const found = readGoBuildInfo(file.content, parsed.elf);
    if (found.kind === 'not-go') {
      return parsed.elf.problems.length > 0
        ? { warnings: parsed.elf.problems.map((p) => `damaged ELF file: ${p}`) }
        : {};
    }
    if (found.kind === 'broken') return { warnings: [found.reason] };
    const { packages, warnings } = goPackages(found.info);
    return warnings.length > 0 ? { packages, warnings } : { packages };
  },
});
