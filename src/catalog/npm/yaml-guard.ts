import { parse as parseYaml } from 'yaml';
import { describeCause } from '../../errors/index.js';

/** Far deeper than any lockfile (pnpm's deepest flow mapping is ~3 levels). */
export const MAX_FLOW_DEPTH = 256;

/**
 * The deepest nesting of YAML flow collections (`[` / `{`), skipping quoted scalars, stopping as
 * soon as `limit` is passed. The yaml library exhausts memory on tens of thousands of nested
 * flow mappings before it gives up, so hostile depth is refused before parsing.
 */
export function flowDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x5b || code === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 0x5d || code === 0x7d) {
      depth = depth > 0 ? depth - 1 : 0;
    } else if (code === 0x22 || code === 0x27) {
      // A quoted scalar: skip to its closing quote, or to the end of the line at most.
      for (index += 1; index < text.length; index += 1) {
        const inner = text.charCodeAt(index);
        if (inner === 0x0a || inner === code) break;
        if (inner === 0x5c && code === 0x22) index += 1;
      }
    }
  }
  return false;
}

/** Parses a YAML lockfile, or says in one line why not. Duplicate keys: the last one wins. */
export function parseLockYaml(text: string, file: string): { doc: unknown } | { warning: string } {
  if (flowDepthExceeds(text, MAX_FLOW_DEPTH))
    return { warning: `${file} nests deeper than ${MAX_FLOW_DEPTH} levels, not read` };
  try {
    return { doc: parseYaml(text, { maxAliasCount: 100, uniqueKeys: false }) };
  } catch (error) {
    return { warning: `${file} is not valid YAML: ${describeCause(error).split('\n')[0] ?? ''}` };
  }
}
