import type { IncomingHttpHeaders } from 'node:http';

// A host name, IPv4 address or bracketed IPv6 address, with an optional port (RFC 9110 §7.2).
const HOST =
  /^(?<host>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::(?<port>\d{1,5}))?$/;

export interface RealmOptions {
  /** `auth.realm` from the config: used as is when set (a proxy in front, a public name). */
  readonly configured: string | undefined;
  readonly secure: boolean;
  /** Where this server listens, for requests without a usable Host header. */
  readonly fallback: () => string;
}

/**
 * The token endpoint's URL as the client should reach it: the configured realm, else this
 * server's scheme with the Host the client used (so a client that reached us as
 * `localhost:5000` is sent to `localhost:5000/token`, not to an address it cannot resolve).
 */
export function realmFor(options: RealmOptions, headers: IncomingHttpHeaders): string {
  if (options.configured !== undefined) return options.configured;
  const host = headers.host;
  if (host !== undefined && HOST.test(host))
    return `${options.secure ? 'https' : 'http'}://${host}/token`;
  return `${options.fallback()}/token`;
}
