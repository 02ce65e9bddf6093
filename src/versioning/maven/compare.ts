import type { Ordering } from '../types.js';
import type { MavenItem, MavenVersion } from './parse.js';

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

/** StringItem.comparableQualifier: known qualifiers by rank, unknown ones after all, by name. */
function comparableQualifier(value: string): string {
  const index = QUALIFIERS.indexOf(value);
  return index === -1 ? `${QUALIFIERS.length}-${value}` : String(index);
}

function compareText(a: string, b: string): Ordering {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function compareDigits(a: string, b: string): Ordering {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return compareText(a, b);
}

/** Item.compareTo(null): how an item compares with a missing one (padding). */
function compareWithNothing(item: MavenItem): Ordering {
  switch (item.kind) {
    case 'number':
      return item.digits === '0' ? 0 : 1;
    case 'string':
      return compareText(comparableQualifier(item.value), RELEASE_INDEX);
    case 'list':
      // MNG-6964: the whole list, not only its first item.
      for (const inner of item.items) {
        const order = compareWithNothing(inner);
        if (order !== 0) return order;
      }
      return 0;
  }
}

/** Item.compareTo(item) for the three item kinds of ComparableVersion. */
function compareItems(a: MavenItem, b: MavenItem): Ordering {
  switch (a.kind) {
    case 'number':
      return b.kind === 'number' ? compareDigits(a.digits, b.digits) : 1;
    case 'string':
      return b.kind === 'string'
        ? compareText(comparableQualifier(a.value), comparableQualifier(b.value))
        : -1;
    case 'list':
      if (b.kind === 'number') return -1;
      if (b.kind === 'string') return 1;
      return compareLists(a.items, b.items);
  }
}

function compareLists(a: readonly MavenItem[], b: readonly MavenItem[]): Ordering {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const left = a[i];
    const right = b[i];
    let order: Ordering;
    if (left === undefined)
      order = right === undefined ? 0 : ((-compareWithNothing(right) || 0) as Ordering);
    else order = right === undefined ? compareWithNothing(left) : compareItems(left, right);
    if (order !== 0) return order;
  }
  return 0;
}

export function compareMavenVersions(a: MavenVersion, b: MavenVersion): Ordering {
  return compareLists(a.items, b.items);
}
