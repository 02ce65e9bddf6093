import type { ParseResult } from '../cataloger.js';
import { normalizeLicenses } from '../internal/license/index.js';
import { personText } from '../internal/person/index.js';
import type { PackageRecord } from '../types.js';
import { readString, readStrings } from './ruby-literals.js';

/** `Gem::Specification.new do |s|` — the block variable is usually `s` or `spec`. */
const SPEC_BLOCK = /Gem::Specification\.new\s+do\s*\|\s*(?<var>[a-z_][a-zA-Z0-9_]*)\s*\|/;
/** The comment RubyGems writes at the top of installed specs: `# stub: name version platform paths`. */
const STUB = /^# stub: (?<name>\S+) (?<version>\S+) (?<platform>\S+)/m;
/** Gem names: letters, digits, `.`, `-`, `_` (RubyGems' own rule). */
const GEM_NAME = /^[A-Za-z0-9._-]+$/;
const VERSION = /^[0-9]+[0-9A-Za-z.-]*$/;
const FIELDS = [
  'name',
  'version',
  'license',
  'licenses',
  'platform',
  'authors',
  'author',
  'email',
] as const;
type Field = (typeof FIELDS)[number];

function assignments(text: string, variable: string): Map<Field, string[]> {
  const out = new Map<Field, string[]>();
  const prefix = `${variable}.`;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line.startsWith(prefix)) continue;
    const equals = line.indexOf('=');
    if (equals === -1 || line[equals + 1] === '=') continue;
    const field = line.slice(prefix.length, equals).trim() as Field;
    if (!FIELDS.includes(field) || out.has(field)) continue;
    // Drop a trailing modifier (`if s.respond_to? ...`) before reading the literal.
    const rhs = line.slice(equals + 1).replace(/\s+(?:if|unless)\s.*$/, '');
    out.set(field, readStrings(rhs));
  }
  return out;
}

/** `s.add_runtime_dependency(%q<rack>.freeze, [...])`, `spec.add_dependency 'rack', '~> 2'`. */
const DEPENDENCY_CALL =
  /\.add_(?<kind>runtime_|development_)?dependency\s*\(?\s*(?:%q<(?<q>[^>]+)>|"(?<dq>[^"]+)"|'(?<sq>[^']+)')/gu;

/** The string literals of one line of Ruby after a dependency's name: its requirement strings. */
function requirementStrings(rest: string): string[] {
  const out: string[] = [];
  for (let index = 0; index < rest.length; index += 1) {
    const char = rest[index];
    if (char === '\n') break;
    if (char !== '"' && char !== "'" && char !== '%') continue;
    const literal = readString(rest, index);
    if (!literal) continue;
    out.push(literal.value.trim());
    index = literal.end - 1;
  }
  return out.filter((requirement) => requirement !== '');
}

/**
 * The gems a specification needs at run time, with each one's version requirement
 * (`[">= 2.0", "< 4"]` -> `>= 2.0, < 4`; `>= 0` is none). RubyGems before 3.4 wrote every
 * dependency twice: `add_runtime_dependency` / `add_development_dependency` under `if
 * s.respond_to? :add_runtime_dependency`, and all of them again as `add_dependency` in the `else`
 * branch for old RubyGems. There only the runtime calls count; elsewhere `add_dependency` is
 * runtime too.
 */
function runtimeDependencies(text: string): {
  requires: string[][];
  constraints: Record<string, string>;
} {
  const fallbackBranch = text.includes('respond_to? :add_runtime_dependency');
  const names = new Set<string>();
  const constraints: Record<string, string> = {};
  for (const match of text.matchAll(DEPENDENCY_CALL)) {
    const kind = match.groups?.['kind'];
    if (kind === 'development_' || (kind === undefined && fallbackBranch)) continue;
    const name = match.groups?.['q'] ?? match.groups?.['dq'] ?? match.groups?.['sq'];
    if (!name || !GEM_NAME.test(name) || names.has(name)) continue;
    names.add(name);
    const requirement = requirementStrings(text.slice(match.index + match[0].length))
      .filter((part) => part !== '>= 0')
      .join(', ');
    if (requirement !== '') constraints[name] = requirement;
  }
  return { requires: [...names].map((name) => [name]), constraints };
}

/**
 * An installed gem's specification (`specifications/<name>-<version>.gemspec`, as RubyGems writes
 * it: https://guides.rubygems.org/specification-reference/). Ruby source, read without evaluating
 * it: the `s.name` / `s.version` / `s.licenses` / `s.platform` literals, falling back to the
 * `# stub:` header line RubyGems puts at the top.
 */
export function parseGemspec(text: string): ParseResult {
  const variable = SPEC_BLOCK.exec(text)?.groups?.['var'] ?? 's';
  const fields = assignments(text, variable);
  const stub = STUB.exec(text)?.groups;
  const name = fields.get('name')?.[0] ?? stub?.['name'];
  const version = fields.get('version')?.[0] ?? stub?.['version'];
  if (!name || !version)
    return {
      warnings: [`no ${name ? 'version' : 'name'} found: not an installed gem specification`],
    };
  if (!GEM_NAME.test(name))
    return { warnings: [`gem name "${name.slice(0, 80)}" is not a gem name`] };
  if (!VERSION.test(version))
    return { warnings: [`gem version "${version.slice(0, 80)}" is not a gem version`] };
  const platform = fields.get('platform')?.[0] ?? stub?.['platform'];
  const licenses = normalizeLicenses([
    ...(fields.get('licenses') ?? []),
    ...(fields.get('license') ?? []),
  ]);
  const originator = personText(
    fields.get('authors')?.[0] ?? fields.get('author')?.[0],
    fields.get('email')?.[0],
  );
  const { requires, constraints } = runtimeDependencies(text);
  const record: PackageRecord = {
    type: 'gem',
    name,
    version,
    ...(licenses ? { licenses } : {}),
    ...(originator ? { originator } : {}),
    ...(requires.length > 0 ? { requires } : {}),
    ...(Object.keys(constraints).length > 0 ? { requireConstraints: constraints } : {}),
    // `ruby` is the pure-Ruby default; a native gem's platform is part of its identity.
    ...(platform && platform !== 'ruby' && GEM_NAME.test(platform)
      ? { qualifiers: { platform } }
      : {}),
  };
  return { packages: [record] };
}
