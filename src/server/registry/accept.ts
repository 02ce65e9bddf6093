const parsed = new Map<string, ReadonlySet<string> | undefined>();

function parse(header: string): ReadonlySet<string> | undefined {
  const types = new Set<string>();
  for (const part of header.split(',')) {
    const type = part.split(';')[0]?.trim().toLowerCase();
    if (!type) continue;
    // A wildcard (or a bare JSON type, as some clients send) accepts whatever is stored.
    if (type === '*/*' || type === 'application/*' || type === 'application/json') return undefined;
    types.add(type);
  }
  return types.size === 0 ? undefined : types;
}

/**
 * Whether a manifest of `mediaType` may be served to a client that sent `accept`. No Accept
 * header or a wildcard accepts anything; otherwise the stored type must be listed (we never
 * convert between manifest formats). Parsed headers are memoised: clients send a handful.
 */
export function acceptsMediaType(accept: string | undefined, mediaType: string): boolean {
  if (accept === undefined || accept === '') return true;
  let types = parsed.get(accept);
  if (types === undefined && !parsed.has(accept)) {
    types = parse(accept);
    if (parsed.size > 256) parsed.clear();
    parsed.set(accept, types);
  }
  return types === undefined || types.has(mediaType);
}
