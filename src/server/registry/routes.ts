/** A request path matched to a distribution-spec endpoint. Names are validated by the handlers. */
export type Route =
  | { readonly kind: 'base' }
  | { readonly kind: 'catalog' }
  | { readonly kind: 'tags'; readonly name: string }
  | { readonly kind: 'manifest'; readonly name: string; readonly reference: string }
  | { readonly kind: 'blob'; readonly name: string; readonly digest: string }
  | { readonly kind: 'upload-start'; readonly name: string }
  | { readonly kind: 'upload'; readonly name: string; readonly id: string }
  | { readonly kind: 'referrers'; readonly name: string; readonly digest: string };

// Repository names may themselves contain "blobs", "manifests" or "tags" as components, so the
// name is matched greedily and the endpoint is taken from the right end of the path.
const PATTERNS: readonly [RegExp, (groups: Record<string, string>) => Route][] = [
  [
    /^\/v2\/(?<name>.+)\/blobs\/uploads\/?$/,
    (g) => ({ kind: 'upload-start', name: g['name'] ?? '' }),
  ],
  [
    /^\/v2\/(?<name>.+)\/blobs\/uploads\/(?<id>[^/]+)$/,
    (g) => ({ kind: 'upload', name: g['name'] ?? '', id: g['id'] ?? '' }),
  ],
  [
    /^\/v2\/(?<name>.+)\/blobs\/(?<digest>[^/]+)$/,
    (g) => ({ kind: 'blob', name: g['name'] ?? '', digest: g['digest'] ?? '' }),
  ],
  [
    /^\/v2\/(?<name>.+)\/manifests\/(?<reference>[^/]+)$/,
    (g) => ({ kind: 'manifest', name: g['name'] ?? '', reference: g['reference'] ?? '' }),
  ],
  [/^\/v2\/(?<name>.+)\/tags\/list$/, (g) => ({ kind: 'tags', name: g['name'] ?? '' })],
  [
    /^\/v2\/(?<name>.+)\/referrers\/(?<digest>[^/]+)$/,
    (g) => ({ kind: 'referrers', name: g['name'] ?? '', digest: g['digest'] ?? '' }),
  ],
];

/** Matches the path part of a URL (no query) to an endpoint. */
export function matchRoute(path: string): Route | undefined {
  if (path === '/v2/' || path === '/v2') return { kind: 'base' };
  if (path === '/v2/_catalog') return { kind: 'catalog' };
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(path);
    if (match?.groups) return build(match.groups);
  }
  return undefined;
}

/** The methods each endpoint answers (HEAD where GET is). */
export const ROUTE_METHODS: Readonly<Record<Route['kind'], readonly string[]>> = {
  base: ['GET', 'HEAD'],
  catalog: ['GET', 'HEAD'],
  tags: ['GET', 'HEAD'],
  manifest: ['GET', 'HEAD', 'PUT', 'DELETE'],
  blob: ['GET', 'HEAD', 'DELETE'],
  'upload-start': ['POST'],
  upload: ['GET', 'PATCH', 'PUT', 'DELETE'],
  referrers: ['GET', 'HEAD'],
};
