import { unquoteGo } from './go-quote.js';

/**
 * Parses the module information text embedded by cmd/go, the inverse of
 * runtime/debug.BuildInfo.String (see runtime/debug.ParseBuildInfo):
 *
 *   path  <main package path>
 *   mod   <module path> <version> [<sum>]
 *   dep   <module path> <version> [<sum>]
 *   =>    <replacement path> <version> <sum>      (replaces the module on the line before)
 *   build <key>=<value>                            (Go 1.18+; key and value may be Go-quoted)
 *
 * Unlike the standard library it does not give up on the first bad line: a bad line is skipped
 * and reported, and the rest is kept.
 */

export interface GoModule {
  readonly path: string;
  readonly version: string;
  readonly sum: string;
  readonly replace?: GoModule | undefined;
}

export interface BuildSetting {
  readonly key: string;
  readonly value: string;
}

export interface ModInfo {
  readonly path: string;
  readonly main: GoModule | undefined;
  readonly deps: readonly GoModule[];
  readonly settings: readonly BuildSetting[];
  readonly problems: readonly string[];
}

function moduleLine(fields: readonly string[]): GoModule | string {
  if (fields.length !== 2 && fields.length !== 3)
    return `expected 2 or 3 columns, got ${fields.length}`;
  const [path = '', version = '', sum = ''] = fields;
  return { path, version, sum };
}

/** Where the unquoted key ends in `"quoted key"=value`. */
function quotedKeyEnd(kv: string): number {
  const quote = kv[0];
  for (let i = 1; i < kv.length; i += 1) {
    if (quote === '"' && kv[i] === '\\') {
      i += 1;
      continue;
    }
    if (kv[i] === quote) return i + 1;
  }
  return -1;
}

function buildLine(kv: string): BuildSetting | string {
  let key: string | undefined;
  let rawValue: string;
  if (kv.startsWith('"') || kv.startsWith('`')) {
    const end = quotedKeyEnd(kv);
    if (end < 0 || kv[end] !== '=') return 'build line has a malformed quoted key';
    key = unquoteGo(kv.slice(0, end));
    rawValue = kv.slice(end + 1);
  } else {
    const eq = kv.indexOf('=');
    if (eq <= 0) return "build line is missing 'key='";
    key = kv.slice(0, eq);
    rawValue = kv.slice(eq + 1);
  }
  if (key === undefined) return 'build line has a malformed quoted key';
  const quoted = rawValue.startsWith('"') || rawValue.startsWith('`');
  const value = quoted ? unquoteGo(rawValue) : rawValue;
  if (value === undefined) return `build setting ${key} has a malformed quoted value`;
  return { key, value };
}

export function parseModInfo(text: string): ModInfo {
  let path = '';
  let main: GoModule | undefined;
  const deps: GoModule[] = [];
  const settings: BuildSetting[] = [];
  const problems: string[] = [];
  // The module a `=>` line applies to: the `mod` or `dep` line right before it.
  let last: { index: number } | 'main' | undefined;
  function parseLine(kind: string, rest: string): string | undefined {
    switch (kind) {
      case 'path':
        path = rest;
        return undefined;
      case 'mod':
      case 'dep': {
        const parsed = moduleLine(rest.split('\t'));
        if (typeof parsed === 'string') {
          last = undefined;
          return parsed;
        }
        if (kind === 'mod') {
          main = parsed;
          last = 'main';
        } else {
          deps.push(parsed);
          last = { index: deps.length - 1 };
        }
        return undefined;
      }
      case '=>': {
        const fields = rest.split('\t');
        if (fields.length !== 3)
          return `expected 3 columns for a replacement, got ${fields.length}`;
        if (last === undefined) return 'replacement with no module on the line before';
        const [replacePath = '', version = '', sum = ''] = fields;
        const replace: GoModule = { path: replacePath, version, sum };
        if (last === 'main' && main) main = { ...main, replace };
        else if (last !== 'main') deps[last.index] = { ...(deps[last.index] as GoModule), replace };
        last = undefined;
        return undefined;
      }
      case 'build': {
        const parsed = buildLine(rest);
        if (typeof parsed === 'string') return parsed;
        settings.push(parsed);
        return undefined;
      }
      default:
        // Blank separator lines and kinds added by later toolchains are not errors.
        return undefined;
    }
  }
  const lines = text.split('\n');
  // Every line ends in '\n'; text after the last one is not a line (ParseBuildInfo ignores it).
  lines.pop();
  for (const [index, line] of lines.entries()) {
    const tab = line.indexOf('\t');
    const kind = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? '' : line.slice(tab + 1);
    const problem = parseLine(kind, rest);
    if (problem) problems.push(`modinfo line ${index + 1}: ${problem}`);
  }
  return { path, main, deps, settings, problems };
}
