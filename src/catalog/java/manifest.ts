/**
 * The main section of a JAR manifest (https://docs.oracle.com/en/java/javase/21/docs/specs/jar/jar.html#jar-manifest):
 * `Name: value` headers, UTF-8, lines ended by CRLF, LF or CR, a line starting with one space
 * continuing the previous value (the space dropped, nothing inserted), and the main section ending
 * at the first blank line. The per-entry sections after it describe files, not the archive.
 * Header names are case-insensitive, so they are keyed in lower case.
 */
export function parseManifestMain(bytes: Buffer): Map<string, string> {
  const attributes = new Map<string, string>();
  let current: string | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    const match = /^(?<name>[A-Za-z0-9][A-Za-z0-9_-]*):(?: ?)(?<value>.*)$/s.exec(current);
    const name = match?.groups?.['name'];
    // A repeated name replaces the earlier value, as java.util.jar.Attributes.read does.
    if (name !== undefined) attributes.set(name.toLowerCase(), match?.groups?.['value'] ?? '');
    current = undefined;
  };
  for (const line of bytes.toString('utf8').split(/\r\n|\r|\n/)) {
    if (line === '') break;
    if (line.startsWith(' ')) {
      if (current !== undefined) current += line.slice(1);
      continue;
    }
    flush();
    current = line;
  }
  flush();
  return attributes;
}
