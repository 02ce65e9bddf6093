/**
 * A bounded memo of parse results for the matcher's hot loop: re-matching stored SBOMs compares
 * the same few thousand version strings millions of times. Eviction is first-in-first-out (a Map
 * keeps insertion order), which costs nothing on a hit, unlike a true LRU's re-insert. Invalid
 * strings are remembered too (as null) so garbage is not re-parsed either.
 */
export class ParseCache<V> {
  readonly #entries = new Map<string, V | null>();
  readonly #max: number;

  constructor(max = 20_000) {
    this.#max = max;
  }

  get(key: string, parse: (key: string) => V | undefined): V | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const parsed = parse(key) ?? null;
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, parsed);
    return parsed ?? undefined;
  }

  get size(): number {
    return this.#entries.size;
  }
}
