/** A manifest ready to serve: its bytes and the headers that go with them. */
export interface CachedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly content: Buffer;
  readonly etag: string;
}

/**
 * Manifests by repository and reference (tag or digest), so a pull is answered from memory with
 * no database or file system work. Bounded by bytes; the oldest entries go first. Any delete
 * (here or, via the metadata's change counter, in another process such as gc) clears it.
 */
export class ManifestCache {
  readonly #entries = new Map<string, CachedManifest>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get(repository: string, reference: string): CachedManifest | undefined {
    return this.#entries.get(`${repository}\n${reference}`);
  }

  set(repository: string, reference: string, entry: CachedManifest): void {
    if (entry.content.length > this.#maxBytes) return;
    const key = `${repository}\n${reference}`;
    const previous = this.#entries.get(key);
    if (previous) {
      this.#bytes -= previous.content.length;
      this.#entries.delete(key);
    }
    this.#entries.set(key, entry);
    this.#bytes += entry.content.length;
    for (const [oldest, value] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= value.content.length;
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  get size(): number {
    return this.#entries.size;
  }
}
