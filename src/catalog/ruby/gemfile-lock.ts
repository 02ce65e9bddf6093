import type { ParseResult } from '../cataloger.js';
import type { PackageRecord } from '../types.js';

const SOURCE_SECTIONS = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);
/** `    name (version[-platform])`: bundler splits version and platform at the first `-`. */
const SPEC = /^ {4}(?<name>[A-Za-z0-9._-]+) \((?<version>[^-)\s]+)(?:-(?<platform>[^)\s]+))?\)$/;
const DEPENDENCY = /^ {2}(?<name>[A-Za-z0-9._-]+)/;
/** `      name (constraint)` or `      name`: a spec's own dependency, six spaces in. */
const SPEC_DEPENDENCY = /^ {6}(?<name>[A-Za-z0-9._-]+)(?: \(|$)/;

/**
 * `Gemfile.lock` (https://bundler.io/guides/gemfile_lock.html): the specs of every source section
 * (GEM, GIT, PATH) at four spaces of indent, their own dependencies at six (each met by the spec
 * of that name in the same file), and the Gemfile's direct dependencies under DEPENDENCIES. It
 * records no groups, so there is no dev flag.
 */
export function parseGemfileLock(text: string): ParseResult {
  const specs: {
    name: string;
    version: string;
    platform: string | undefined;
    source: string;
    dependencies: string[];
  }[] = [];
  const direct = new Set<string>();
  const warnings: string[] = [];
  let section = '';
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').replace(/\r$/, '');
    if (line === '') continue;
    if (line[0] !== ' ') {
      section = line.trim();
      continue;
    }
    if (section === 'DEPENDENCIES') {
      const name = DEPENDENCY.exec(line)?.groups?.['name'];
      if (name) direct.add(name);
      continue;
    }
    if (!SOURCE_SECTIONS.has(section) || !line.startsWith('    ')) continue;
    if (line.startsWith('     ')) {
      const dependency = SPEC_DEPENDENCY.exec(line)?.groups?.['name'];
      if (dependency) specs[specs.length - 1]?.dependencies.push(dependency);
      continue;
    }
    const match = SPEC.exec(line)?.groups;
    if (!match?.['name'] || !match['version']) {
      warnings.push(`line ${index + 1}: not a "name (version)" spec`);
      continue;
    }
    specs.push({
      name: match['name'],
      version: match['version'],
      platform: match['platform'],
      source: section.toLowerCase(),
      dependencies: [],
    });
  }
  if (specs.length === 0 && direct.size === 0)
    return { warnings: ['no GEM, GIT or PATH specs: not a Gemfile.lock', ...warnings.slice(0, 3)] };
  const seen = new Set<string>();
  const packages: PackageRecord[] = [];
  for (const spec of specs) {
    const key = `${spec.name}@${spec.version}@${spec.platform ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    packages.push({
      type: 'gem',
      name: spec.name,
      version: spec.version,
      ...(spec.platform ? { qualifiers: { platform: spec.platform } } : {}),
      ...(spec.dependencies.length > 0
        ? { requires: [...new Set(spec.dependencies)].map((name) => [name]) }
        : {}),
      metadata: {
        direct: direct.has(spec.name),
        ...(spec.source === 'gem' ? {} : { source: spec.source }),
      },
    });
  }
  return { packages, ...(warnings.length > 0 ? { warnings } : {}) };
}
