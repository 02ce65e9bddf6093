import { runCredentialHelper } from './credential-helper.js';
import {
  credentialSourceFor,
  defaultCredentialFiles,
  type CredentialSource,
} from './docker-config.js';
import type { RegistryOptions } from './options.js';

/** What we present to a registry or its token service. Never logged, never in a message. */
export type Credentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  /** An OAuth2 refresh token (`docker login` with an identity provider); exchanged at the realm. */
  | { readonly kind: 'identity-token'; readonly token: string }
  /** A bearer token sent to the registry as is. */
  | { readonly kind: 'registry-token'; readonly token: string };

/** The user name docker credential helpers return when the secret is an identity token. */
const IDENTITY_TOKEN_USER = '<token>';

/**
 * The credentials for a registry, in the docker CLI's order of precedence: explicit
 * `--username`/`--password-stdin`, then the first credentials file that knows the registry
 * (`podman login`'s auth file, then docker's `config.json`; in each, the credential helper for
 * the host, an `auths` entry, the default credential store). Undefined means anonymous.
 */
export async function loadCredentials(
  registry: string,
  options: RegistryOptions,
): Promise<Credentials | undefined> {
  if (options.username !== undefined && options.password !== undefined) {
    return { kind: 'basic', username: options.username, password: options.password };
  }
  const files = options.dockerConfigPath ? [options.dockerConfigPath] : defaultCredentialFiles();
  let source: CredentialSource | undefined;
  for (const file of files) {
    source = await credentialSourceFor(registry, file);
    if (source) break;
  }
  if (!source) return undefined;
  switch (source.kind) {
    case 'basic':
      return { kind: 'basic', username: source.username, password: source.password };
    case 'identity-token':
    case 'registry-token':
      return { kind: source.kind, token: source.token };
    case 'helper': {
      const found = await runCredentialHelper(source.helper, source.serverUrl, source.origin);
      if (!found) return undefined;
      return found.username === IDENTITY_TOKEN_USER
        ? { kind: 'identity-token', token: found.secret }
        : { kind: 'basic', username: found.username, password: found.secret };
    }
  }
}
