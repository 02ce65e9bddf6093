/**
 * Maven's ComparableVersion item tree (maven-artifact 3.8.x): numbers, qualifiers, and sub-lists
 * opened by `-` or by a digit/letter transition.
 */
export type MavenItem =
  | { readonly kind: 'number'; readonly digits: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'list'; readonly items: readonly MavenItem[] };

export interface MavenVersion {
  readonly original: string;
  readonly items: readonly MavenItem[];
}

// Qualifier aliases and order from ComparableVersion.StringItem.
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const SHORT: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone' };

function stringItem(value: string, followedByDigit: boolean): MavenItem {
  const expanded = followedByDigit && value.length === 1 ? (SHORT[value] ?? value) : value;
  return { kind: 'string', value: ALIASES[expanded] ?? expanded };
}

function parseItem(isDigit: boolean, text: string): MavenItem {
  if (!isDigit) return stringItem(text, false);
  const digits = text.replace(/^0+/, '');
  return { kind: 'number', digits: digits === '' ? '0' : digits };
}

const ZERO: MavenItem = { kind: 'number', digits: '0' };

/** isNull: 0, the release qualifier (`""`, `ga`, `final`, `release`), or an empty list. */
export function isNullItem(item: MavenItem): boolean {
  if (item.kind === 'number') return item.digits === '0';
  if (item.kind === 'string') return item.value === '';
  return item.items.length === 0;
}

/** ListItem.normalize: drop trailing null items, looking past non-null sub-lists. */
function normalize(items: MavenItem[]): void {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item === undefined) continue;
    if (isNullItem(item)) items.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

interface MutableList {
  readonly items: MavenItem[];
}

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * ComparableVersion.parseVersion. Maven accepts any string; here a version must be non-empty
 * printable ASCII without spaces, so garbage from a manifest is an error, not a version.
 */
export function parseMavenVersion(original: string): MavenVersion | undefined {
  if (original.length === 0 || !/^[\x21-\x7e]+$/.test(original)) return undefined;
  const version = original.toLowerCase();
  const root: MutableList = { items: [] };
  let list = root;
  const stack: MutableList[] = [root];
  const openList = (): void => {
    const next: MutableList = { items: [] };
    list.items.push({ kind: 'list', items: next.items });
    list = next;
    stack.push(next);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < version.length; i++) {
    const c = version.charCodeAt(i);
    if (c === 0x2e || c === 0x2d) {
      list.items.push(i === start ? ZERO : parseItem(isDigit, version.slice(start, i)));
      start = i + 1;
      if (c === 0x2d) openList();
    } else if (isDigitCode(c)) {
      if (!isDigit && i > start) {
        // "1.0.0.X1 < 1.0.0-X2": a qualifier after a dot opens a sub-list, as after a hyphen.
        if (list.items.length > 0) openList();
        list.items.push(stringItem(version.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.items.push(parseItem(true, version.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (version.length > start) {
    if (!isDigit && list.items.length > 0) openList();
    list.items.push(parseItem(isDigit, version.slice(start)));
  }
  for (let s = stack.pop(); s; s = stack.pop()) normalize(s.items);
  return { original, items: root.items };
}
