import type { Ordering } from '../types.js';
import type { GemSegment, GemVersion } from './parse.js';

const ZERO: GemSegment = { kind: 'number', value: '0' };

function compareSegments(a: GemSegment, b: GemSegment): Ordering {
  if (a.kind !== b.kind) return a.kind === 'string' ? -1 : 1;
  if (a.kind === 'number' && a.value.length !== b.value.length)
    return a.value.length < b.value.length ? -1 : 1;
  if (a.value === b.value) return 0;
  return a.value < b.value ? -1 : 1;
}

/** Gem::Version#<=> over canonical segments, padding with 0; letters sort below numbers. */
export function compareGemVersions(a: GemVersion, b: GemVersion): Ordering {
  if (a.version === b.version) return 0;
  const length = Math.max(a.canonical.length, b.canonical.length);
  for (let i = 0; i < length; i++) {
    const order = compareSegments(a.canonical[i] ?? ZERO, b.canonical[i] ?? ZERO);
    if (order !== 0) return order;
  }
  return 0;
}
