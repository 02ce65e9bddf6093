import { canonicalSemver } from './go-version.js';

/**
 * The main module's version stamped with `go build -ldflags "-X <pkg>.version=<v>"`, found the way
 * Trivy does it (pkg/dependency/parser/golang/binary): keys ending in `.version` or `.ver` whose
 * value is a semantic version, ranked `<main module>/cmd/...` first, then the prefixes main,
 * common, version and cmd, then any other; two different values in the winning rank mean "unknown".
 */

/** Splits a command line as a POSIX shell would (quotes and backslashes; no expansions). */
export function shellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i] ?? '';
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
      continue;
    }
    if (char === '\\') {
      const next = line[i + 1];
      if (next === undefined) return undefined;
      // Inside double quotes a backslash escapes only $ ` " \ and newline.
      if (quote === '"' && !'$`"\\\n'.includes(next)) word += char;
      word += next;
      inWord = true;
      i += 1;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
      continue;
    }
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    word += char;
    inWord = true;
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words;
}

/** Every `-X name=value` definition in the linker flags (also `-X=`, `--X`, `--X=`). */
export function linkerDefinitions(words: readonly string[]): Map<string, string> {
  const definitions = new Map<string, string>();
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] ?? '';
    let definition: string | undefined;
    if (word === '-X' || word === '--X') {
      definition = words[i + 1];
      i += 1;
    } else {
      const inline = /^--?X=(?<definition>.*)$/s.exec(word);
      definition = inline?.groups?.['definition'];
    }
    if (definition === undefined) continue;
    const eq = definition.indexOf('=');
    if (eq <= 0) continue;
    // Trivy trims stray single quotes left by hand-written quoting (-X 'main.version=1.0').
    const name = definition.slice(0, eq).replace(/^'+/, '');
    const value = definition.slice(eq + 1).replace(/'+$/, '');
    definitions.set(name, value);
  }
  return definitions;
}

const DEFAULT_PREFIXES = new Set(['main', 'common', 'version', 'cmd']);

function isVersionKey(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('.version') || lower.endsWith('.ver');
}

/** `github.com/x/y/pkg/Version.version` -> `version` (the package part of the symbol). */
function symbolPrefix(name: string): string {
  const afterSlash = name.slice(name.lastIndexOf('/') + 1);
  const dot = afterSlash.indexOf('.');
  return (dot < 0 ? afterSlash : afterSlash.slice(0, dot)).toLowerCase();
}

/** The stamped version in canonical Go form (`v1.2.3`), or undefined when absent or ambiguous. */
export function ldflagsVersion(mainPath: string, ldflags: string): string | undefined {
  const words = shellWords(ldflags);
  if (!words) return undefined;
  const ranks: [Set<string>, Set<string>, Set<string>] = [new Set(), new Set(), new Set()];
  for (const [name, value] of linkerDefinitions(words)) {
    if (!isVersionKey(name)) continue;
    const version = canonicalSemver(value.startsWith('v') ? value : `v${value}`);
    if (!version) continue;
    if (name.startsWith(`${mainPath}/cmd/`)) ranks[0].add(version);
    else if (DEFAULT_PREFIXES.has(symbolPrefix(name))) ranks[1].add(version);
    else ranks[2].add(version);
  }
  for (const rank of ranks) {
    if (rank.size === 0) continue;
    return rank.size === 1 ? [...rank][0] : undefined;
  }
  return undefined;
}
