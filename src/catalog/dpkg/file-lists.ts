/** `info/<pkg>.list`: one absolute path per line, directories included, `/.` for the root. */
export function parseListFile(text: string): string[] {
  const files: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '' || line === '/.' || line === '/') continue;
    files.push(line);
  }
  return files;
}

/**
 * `<pkg>.md5sums`: `<md5 hex>  <path relative to />` per line. Paths are returned absolute, as
 * `.list` files write them. Lines without a path are skipped.
 */
export function parseMd5sums(text: string): string[] {
  const files: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    let start = space;
    while (line[start] === ' ' || line[start] === '*') start += 1;
    const path = line.slice(start);
    if (path !== '') files.push(path.startsWith('/') ? path : `/${path}`);
  }
  return files;
}

/** The package a `.list`/`.md5sums` file belongs to: its base name, less suffix and `:arch`. */
export function packageFromFileName(fileName: string, suffix: string): string {
  const stem = fileName.slice(0, fileName.length - suffix.length);
  const colon = stem.indexOf(':');
  return colon === -1 ? stem : stem.slice(0, colon);
}
