import { baseName, isExecutableFile, type FileHeader } from '../../cataloger.js';

/** Executables that are scripts, archives or data by their name; other files with an x bit may be ELF. */
const NOT_BINARY =
  /\.(?:sh|bash|zsh|csh|ksh|fish|py|pyc|pl|pm|rb|js|mjs|cjs|php|lua|tcl|txt|md|json|ya?ml|xml|html?|conf|cfg|ini|jar|war|ear|zip|gz|tgz|xz|bz2|zst|png|jpe?g|gif|svg)$/i;

/**
 * The claim rule of the binary catalogers (Go, Rust): a non-empty regular file with an execute bit
 * whose name does not say it is something else. It looks at the header only; the ELF magic is
 * checked first thing in parse.
 */
export function mayBeElfExecutable(file: FileHeader): boolean {
  return isExecutableFile(file) && !NOT_BINARY.test(baseName(file.path));
}
