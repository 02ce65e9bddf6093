import { requirementName } from './core-metadata.js';

/**
 * An egg-info folder's `requires.txt`, as setuptools writes it: requirement lines in sections.
 * The unnamed first section and `[:marker]` sections are what the distribution always needs;
 * `[extra]` and `[extra:marker]` sections belong to optional extras and are left out, as extras
 * are for `Requires-Dist`. importlib.metadata reads the file the same way (it turns each section
 * into a marker). Blank lines and `#` comments are skipped. Returns the normalized names, each a
 * requirement of its own.
 */
export function parseEggRequires(text: string): string[][] {
  const names = new Set<string>();
  let inExtra = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      const section = line.slice(1, line.endsWith(']') ? -1 : undefined);
      const colon = section.indexOf(':');
      inExtra = (colon === -1 ? section : section.slice(0, colon)).trim() !== '';
      continue;
    }
    if (inExtra) continue;
    const name = requirementName(line);
    if (name) names.add(name);
  }
  return [...names].map((name) => [name]);
}
