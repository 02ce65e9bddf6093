/**
 * A package's author as `Name <email>` (the form `PackageRecord.originator` takes), from the
 * pieces package metadata gives. Control characters and angle brackets inside the pieces are
 * dropped, so the result always parses back into one name and one address.
 */
export function personText(name: string | undefined, email?: string): string | undefined {
  const cleanName = clean(name);
  const cleanEmail = clean(email);
  if (!cleanName) return cleanEmail ? `<${cleanEmail}>` : undefined;
  return cleanEmail ? `${cleanName} <${cleanEmail}>` : cleanName;
}

function clean(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    // Control characters, and the brackets that delimit the address, become spaces.
    out += code < 0x20 || code === 0x7f || char === '<' || char === '>' ? ' ' : char;
  }
  return out.replace(/\s+/gu, ' ').trim() || undefined;
}

// npm's person string: `Name <email> (url)`, each part optional.
const NPM_PERSON = /^(?<name>[^<(]*)(?:<(?<email>[^>]*)>)?\s*(?:\((?<url>[^)]*)\))?\s*$/u;

/** npm's `author`: the string form `Name <email> (url)` or `{ name, email, url }`. */
export function npmPerson(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const match = NPM_PERSON.exec(value);
    if (!match) return personText(value);
    return personText(match.groups?.['name'], match.groups?.['email']);
  }
  return objectPerson(value);
}

/** A person object `{ name, email, … }` (npm's `author`, an entry of Composer's `authors`). */
export function objectPerson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { name, email } = value as { name?: unknown; email?: unknown };
  return personText(
    typeof name === 'string' ? name : undefined,
    typeof email === 'string' ? email : undefined,
  );
}
