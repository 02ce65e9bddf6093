import { spdxExpression } from './spdx-license.js';

/**
 * Shared by the translations of distributions' own licence names (Debian's DEP-5 short names,
 * Fedora's legacy rpm names) into SPDX.
 */

/** One SPDX licence id, in SPDX's case (`zlib` is `Zlib`, `Apache-2.0+` kept), or undefined. */
export function spdxId(name: string): string | undefined {
  if (/\s/u.test(name)) return undefined;
  const id = spdxExpression(name);
  return id !== undefined && !/\s/u.test(id) ? id : undefined;
}

/** Enough for every distinct name of a real distribution; a hostile flood is not remembered. */
const MAX_REMEMBERED = 10_000;

/**
 * `translate`, remembered per text: an image repeats a few dozen licence names thousands of times
 * (`GPL-2+` in most Debian copyright files), and SPDX parsing costs ~20 µs a name.
 */
export function rememberedPerText<T>(translate: (text: string) => T): (text: string) => T {
  const remembered = new Map<string, T>();
  return (text) => {
    if (remembered.has(text)) return remembered.get(text) as T;
    const result = translate(text);
    if (remembered.size < MAX_REMEMBERED) remembered.set(text, result);
    return result;
  };
}
