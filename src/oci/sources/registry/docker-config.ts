import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { ImageError } from '../../errors.js';
import { describeIssues } from '../../parse-json.js';
import { DOCKER_HUB } from '../../reference.js';

/** Where a registry's credentials come from, before any secret is looked up. */
export type CredentialSource =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'identity-token'; readonly token: string }
  | { readonly kind: 'registry-token'; readonly token: string }
  | {
      readonly kind: 'helper';
      readonly helper: string;
      readonly serverUrl: string;
      readonly origin: string;
    };

const authEntrySchema = z.object({
  auth: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  identitytoken: z.string().optional(),
  registrytoken: z.string().optional(),
});

const dockerConfigSchema = z.object({
  auths: z.record(z.string(), authEntrySchema).optional(),
  credsStore: z.string().optional(),
  credHelpers: z.record(z.string(), z.string()).optional(),
});

type DockerConfig = z.infer<typeof dockerConfigSchema>;

/** The docker CLI's own rule: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function defaultDockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['DOCKER_CONFIG'] ?? join(homedir(), '.docker');
  return join(dir, 'config.json');
}

/**
 * Every file credentials are looked for in, first match wins: the containers tools' auth file
 * (what `podman login` and `skopeo login` write, containers-auth.json(5): `$REGISTRY_AUTH_FILE`,
 * else `$XDG_RUNTIME_DIR/containers/auth.json` and `~/.config/containers/auth.json`), then the
 * docker CLI's `config.json`. Both use the same `auths` / `credHelpers` format.
 */
export function defaultCredentialFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const files: string[] = [];
  const authFile = env['REGISTRY_AUTH_FILE'];
  if (authFile) files.push(authFile);
  else {
    const runtime = env['XDG_RUNTIME_DIR'];
    if (runtime) files.push(join(runtime, 'containers', 'auth.json'));
    files.push(join(homedir(), '.config', 'containers', 'auth.json'));
  }
  files.push(defaultDockerConfigPath(env));
  return files;
}

/** How messages name a credentials file: docker's `config.json`, or the containers auth file. */
function fileLabel(path: string): string {
  return path.endsWith('config.json') ? `docker config ${path}` : `registry auth file ${path}`;
}

/** The key `docker login` uses for Docker Hub (credential helpers are asked for it too). */
const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
const HUB_ALIASES = new Set(['index.docker.io', 'docker.io', DOCKER_HUB]);

/** `https://host:port/v1/` -> `host:port`, as the docker CLI's ConvertToHostname does. */
function hostnameOfKey(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split('/')[0] ?? '';
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

async function loadConfig(path: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ImageError(
      'CREDENTIALS_UNAVAILABLE',
      `cannot read ${fileLabel(path)}: ${(error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ImageError('CREDENTIALS_UNAVAILABLE', `${fileLabel(path)}: invalid JSON`);
  }
  const parsed = dockerConfigSchema.safeParse(value);
  if (!parsed.success)
    throw new ImageError(
      'CREDENTIALS_UNAVAILABLE',
      `${fileLabel(path)}: ${describeIssues(parsed.error)}`,
    );
  return parsed.data;
}

function decodeAuth(
  encoded: string,
  path: string,
  key: string,
): { username: string; password: string } {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // Never echo the value: it is the password.
  if (colon <= 0)
    throw new ImageError(
      'CREDENTIALS_UNAVAILABLE',
      `${fileLabel(path)}: auths["${key}"].auth is not base64 of "user:password"`,
    );
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Finds how to authenticate to `registry` from a docker `config.json`: a per-registry credential
 * helper (`credHelpers`), an `auths` entry (`auth`, `identitytoken`, `registrytoken`), or the
 * default store (`credsStore`). Returns undefined when the file says nothing about the registry.
 */
export async function credentialSourceFor(
  registry: string,
  path: string,
): Promise<CredentialSource | undefined> {
  const config = await loadConfig(path);
  if (!config) return undefined;
  const serverUrl = registry === DOCKER_HUB ? DOCKER_HUB_SERVER : registry;
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (hostnameOfKey(key) === registry)
      return { kind: 'helper', helper, serverUrl, origin: `credHelpers in ${path}` };
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (hostnameOfKey(key) !== registry) continue;
    if (entry.identitytoken) return { kind: 'identity-token', token: entry.identitytoken };
    if (entry.registrytoken) return { kind: 'registry-token', token: entry.registrytoken };
    if (entry.auth) return { kind: 'basic', ...decodeAuth(entry.auth, path, key) };
    if (entry.username !== undefined && entry.password !== undefined) {
      return { kind: 'basic', username: entry.username, password: entry.password };
    }
  }
  if (config.credsStore)
    return {
      kind: 'helper',
      helper: config.credsStore,
      serverUrl,
      origin: `credsStore in ${path}`,
    };
  return undefined;
}
