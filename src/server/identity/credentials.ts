import { IdentityError } from './errors.js';

export type PresentedCredentials =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

const NONE: PresentedCredentials = { kind: 'none' };
const SCHEME = /^(?<scheme>[A-Za-z]+) +(?<value>\S+) *$/;
const BASE64 = /^(?<data>[A-Za-z0-9+/]+)(?<pad>={0,2})$/;
// A compact JWS (RFC 7515 §7.1): three base64url parts.
const COMPACT_JWS =
  /^(?<header>[A-Za-z0-9_-]+)\.(?<payload>[A-Za-z0-9_-]+)\.(?<signature>[A-Za-z0-9_-]+)$/;
const MAX_HEADER = 8192;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function malformed(what: string): IdentityError {
  return new IdentityError('UNAUTHORIZED', `malformed ${what} in the Authorization header`);
}

/** RFC 7617: base64 of `user-id ":" password`, UTF-8; the user-id cannot contain ":". */
export function parseBasic(value: string): { username: string; password: string } {
  if (!BASE64.test(value)) throw malformed('Basic credentials (not base64)');
  let text: string;
  try {
    text = utf8.decode(Buffer.from(value, 'base64'));
  } catch {
    throw malformed('Basic credentials (not UTF-8)');
  }
  const colon = text.indexOf(':');
  if (colon <= 0) throw malformed('Basic credentials (no "user:password")');
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Reads the Authorization header. Nothing of its value ever reaches an error message: it holds
 * a password or a token. A header in a scheme we do not speak is refused, not ignored, so a
 * misconfigured client hears why it is not signed in.
 */
export function parseAuthorization(header: string | string[] | undefined): PresentedCredentials {
  if (header === undefined || header === '') return NONE;
  if (Array.isArray(header)) throw malformed('credentials (several Authorization headers)');
  if (header.length > MAX_HEADER) throw malformed(`credentials (over ${MAX_HEADER} bytes)`);
  const groups = SCHEME.exec(header)?.groups;
  const scheme = groups?.['scheme']?.toLowerCase();
  const value = groups?.['value'];
  if (scheme === undefined || value === undefined)
    throw malformed('credentials (expected "<scheme> <value>")');
  if (scheme === 'basic') return { kind: 'basic', ...parseBasic(value) };
  if (scheme === 'bearer') {
    if (!COMPACT_JWS.test(value))
      throw new IdentityError('INVALID_TOKEN', 'malformed bearer token: not a compact JWT');
    return { kind: 'bearer', token: value };
  }
  throw new IdentityError(
    'UNAUTHORIZED',
    `unsupported authorization scheme "${(groups?.['scheme'] ?? '').slice(0, 20)}": use Basic or Bearer`,
  );
}
