/**
 * A small seeded PRNG (mulberry32) so generated differential cases are the same on every run and
 * a failure can be reproduced from its seed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Picker {
  readonly random: () => number;
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** `count` pieces from `piece()` joined with separators from `separators`. */
  join(count: number, piece: () => string, separators: readonly string[]): string;
}

export function picker(seed: number): Picker {
  const random = seededRandom(seed);
  const int = (max: number): number => Math.floor(random() * max);
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
  return {
    random,
    int,
    pick,
    chance: (p) => random() < p,
    join(count, piece, separators) {
      let out = piece();
      for (let i = 1; i < count; i++) out += pick(separators) + piece();
      return out;
    },
  };
}

/**
 * Pairs for a differential test: every generated version against a neighbour and against a
 * random other one, plus a mutation of itself, so near-equal pairs (the interesting ones) are
 * common rather than rare.
 */
export function pairsFrom(versions: readonly string[], p: Picker): [string, string][] {
  const pairs: [string, string][] = [];
  versions.forEach((a, i) => {
    pairs.push([a, versions[(i + 1) % versions.length] ?? a]);
    pairs.push([a, p.pick(versions)]);
  });
  return pairs;
}

export function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}
