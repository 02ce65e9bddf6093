import { IdentityError } from './errors.js';
import { printable } from './names.js';

/** One `access` entry of a token (distribution token spec), also what a `scope` asks for. */
export interface AccessEntry {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

// resourcetype [ "(" class ")" ] ":" resourcename ":" action [ "," action ]* (the token scope grammar).
// The name may itself contain ":" (a host:port prefix), so the actions are what follows the last one.
const SCOPE =
  /^(?<type>[a-z0-9]+)(?:\((?<class>[a-z0-9]+)\))?:(?<name>.+):(?<actions>[a-z*]*(?:,[a-z*]*)*)$/;
const MAX_SCOPES = 32;
const MAX_SCOPE_LENGTH = 512;

/** Parses `scope` parameters; each may hold several space-separated scopes (the OAuth2 form). */
export function parseScopes(values: readonly string[]): AccessEntry[] {
  const scopes = values.flatMap((value) => value.split(' ')).filter((scope) => scope !== '');
  if (scopes.length > MAX_SCOPES)
    throw new IdentityError(
      'INVALID_REQUEST',
      `too many scopes: ${scopes.length} (at most ${MAX_SCOPES})`,
    );
  return scopes.map((scope) => {
    const groups = scope.length <= MAX_SCOPE_LENGTH ? SCOPE.exec(scope)?.groups : undefined;
    const type = groups?.['type'];
    const name = groups?.['name'];
    const actions = groups?.['actions'];
    if (type === undefined || name === undefined || actions === undefined) {
      throw new IdentityError(
        'INVALID_REQUEST',
        `invalid scope "${printable(scope)}": expected type:name:action[,action]`,
      );
    }
    return {
      type,
      name,
      actions: [...new Set(actions.split(',').filter((action) => action !== ''))],
    };
  });
}

export function formatScope(entry: AccessEntry): string {
  return `${entry.type}:${entry.name}:${entry.actions.join(',')}`;
}

/** A quoted-string (RFC 9110 §5.6.4). */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`;
}

export interface ChallengeOptions {
  readonly realm: string;
  readonly service: string;
  /** Space-separated in one `scope` parameter (the OAuth2 form, as Distribution writes a mount's). */
  readonly scopes?: readonly AccessEntry[] | undefined;
  /** RFC 6750 §3.1 error codes. */
  readonly error?: 'invalid_token' | 'insufficient_scope' | 'invalid_request' | undefined;
}

/** `Bearer realm="…",service="…",scope="… …"` as the token auth spec and RFC 6750 write it. */
export function bearerChallenge(options: ChallengeOptions): string {
  const parts = [`realm=${quote(options.realm)}`, `service=${quote(options.service)}`];
  const scopes = options.scopes ?? [];
  if (scopes.length > 0) parts.push(`scope=${quote(scopes.map(formatScope).join(' '))}`);
  if (options.error) parts.push(`error=${quote(options.error)}`);
  return `Bearer ${parts.join(',')}`;
}
