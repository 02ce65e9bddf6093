import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { ConfigError, describeCause } from '../errors/index.js';
import { scanningConfigSchema } from './scanning/index.js';
import { webhooksConfigSchema } from './webhooks/index.js';

const positiveInt = z.number().int().positive();
// Goes into a quoted-string of WWW-Authenticate challenges: printable, no space, quote or backslash.
const headerToken = z
  .string()
  .regex(
    /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/,
    'expected 1-128 printable characters without spaces, quotes or backslashes',
  );

/** `lockyard.yaml`: every key optional; unknown keys are errors (a typo must not pass silently). */
export const serverConfigSchema = z
  .object({
    dataDir: z.string().min(1).optional(),
    listen: z.string().min(1).default('127.0.0.1:5000'),
    insecureHttp: z.boolean().default(false),
    tlsCert: z.string().min(1).optional(),
    tlsKey: z.string().min(1).optional(),
    tlsDev: z.boolean().default(false),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    registry: z
      .object({
        maxManifestBytes: positiveInt.default(4 * 1024 * 1024),
        uploadTtlSeconds: positiveInt.default(24 * 60 * 60),
        /** How often idle upload sessions are swept (default: a 24th of the TTL, 1 s to 1 h). */
        uploadSweepSeconds: positiveInt.optional(),
        cacheBytes: positiveInt.default(64 * 1024 * 1024),
        gcGracePeriodSeconds: z
          .number()
          .int()
          .nonnegative()
          .default(60 * 60),
      })
      .strict()
      .prefault({}),
    auth: z
      .object({
        mode: z.enum(['auto', 'token', 'none']).default('auto'),
        adminUsername: z.string().min(1).default('admin'),
        service: headerToken.default('lockyard-registry'),
        issuer: headerToken.default('lockyard'),
        realm: z
          .string()
          .regex(/^https?:\/\/[^\s"\\]+$/, 'expected an http(s) URL')
          .optional(),
        tokenTtlSeconds: positiveInt.default(300),
        refreshTokenTtlSeconds: positiveInt.default(7 * 24 * 60 * 60),
        loginFailureLimit: positiveInt.default(10),
        loginFailureWindowSeconds: positiveInt.default(300),
      })
      .strict()
      .prefault({}),
    scanning: scanningConfigSchema.prefault({}),
    webhooks: webhooksConfigSchema.prefault({}),
  })
  .strict();

export type ServerConfig = z.infer<typeof serverConfigSchema>;

type Leaf = 'string' | 'boolean' | 'integer';

// Each key, its env var (LOCKYARD_ + the path in upper snake case) and how to read its text.
const KEYS: readonly { path: readonly string[]; kind: Leaf }[] = [
  { path: ['dataDir'], kind: 'string' },
  { path: ['listen'], kind: 'string' },
  { path: ['insecureHttp'], kind: 'boolean' },
  { path: ['tlsCert'], kind: 'string' },
  { path: ['tlsKey'], kind: 'string' },
  { path: ['tlsDev'], kind: 'boolean' },
  { path: ['logLevel'], kind: 'string' },
  { path: ['registry', 'maxManifestBytes'], kind: 'integer' },
  { path: ['registry', 'uploadTtlSeconds'], kind: 'integer' },
  { path: ['registry', 'uploadSweepSeconds'], kind: 'integer' },
  { path: ['registry', 'cacheBytes'], kind: 'integer' },
  { path: ['registry', 'gcGracePeriodSeconds'], kind: 'integer' },
  { path: ['auth', 'mode'], kind: 'string' },
  { path: ['auth', 'adminUsername'], kind: 'string' },
  { path: ['auth', 'service'], kind: 'string' },
  { path: ['auth', 'issuer'], kind: 'string' },
  { path: ['auth', 'realm'], kind: 'string' },
  { path: ['auth', 'tokenTtlSeconds'], kind: 'integer' },
  { path: ['auth', 'refreshTokenTtlSeconds'], kind: 'integer' },
  { path: ['auth', 'loginFailureLimit'], kind: 'integer' },
  { path: ['auth', 'loginFailureWindowSeconds'], kind: 'integer' },
  { path: ['scanning', 'enabled'], kind: 'boolean' },
  { path: ['scanning', 'concurrency'], kind: 'integer' },
  { path: ['scanning', 'vulnDb'], kind: 'string' },
  { path: ['scanning', 'dbPollMs'], kind: 'integer' },
  { path: ['webhooks', 'maxAttempts'], kind: 'integer' },
  { path: ['webhooks', 'retryBaseMs'], kind: 'integer' },
  { path: ['webhooks', 'retryMaxMs'], kind: 'integer' },
  { path: ['webhooks', 'timeoutMs'], kind: 'integer' },
  { path: ['webhooks', 'concurrency'], kind: 'integer' },
];

export function envName(path: readonly string[]): string {
  return `LOCKYARD_${path.map((part) => part.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()).join('_')}`;
}

function fromText(text: string, kind: Leaf, name: string): string | boolean | number {
  if (kind === 'string') return text;
  if (kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off)$/i.test(text)) return false;
    throw new ConfigError(
      'INVALID_CONFIG',
      `${name}: expected true or false, got "${text.slice(0, 40)}"`,
    );
  }
  if (!/^\d+$/.test(text))
    throw new ConfigError(
      'INVALID_CONFIG',
      `${name}: expected a whole number, got "${text.slice(0, 40)}"`,
    );
  return Number(text);
}

type Tree = Record<string, unknown>;

function setPath(tree: Tree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const part of path.slice(0, -1)) {
    const child = node[part];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) node[part] = {};
    node = node[part] as Tree;
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

function readFileConfig(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      'INVALID_CONFIG',
      `cannot read config file ${file}: ${describeCause(error)}`,
    );
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      'INVALID_CONFIG',
      `config file ${file} is not valid YAML: ${describeCause(error).split('\n')[0] ?? ''}`,
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ConfigError('INVALID_CONFIG', `config file ${file}: the top level must be a mapping`);
  return value as Tree;
}

/** Flags as parsed by the CLI; only those the user gave are set. */
export type ConfigFlags = Partial<
  Record<'dataDir' | 'listen' | 'tlsCert' | 'tlsKey', string> &
    Record<'insecureHttp' | 'tlsDev', boolean>
>;

/**
 * The server's configuration: defaults, then the YAML file, then LOCKYARD_* environment
 * variables, then flags. Validated once at start-up; a bad key stops it with the key and reason.
 */
export function loadServerConfig(options: {
  file?: string;
  env: NodeJS.ProcessEnv;
  flags: ConfigFlags;
}): ServerConfig {
  const tree: Tree = options.file ? readFileConfig(options.file) : {};
  for (const key of KEYS) {
    const name = envName(key.path);
    const text = options.env[name];
    if (text !== undefined && text !== '') setPath(tree, key.path, fromText(text, key.kind, name));
  }
  for (const [key, value] of Object.entries(options.flags))
    if (value !== undefined) tree[key] = value;
  const result = serverConfigSchema.safeParse(tree);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = options.file ? ` in ${options.file}` : '';
    const keys =
      issue && 'keys' in issue && Array.isArray(issue.keys) ? `.${issue.keys.join(', ')}` : '';
    const path = issue ? `${issue.path.join('.')}${keys}`.replace(/^\./, '') : '(root)';
    throw new ConfigError(
      'INVALID_CONFIG',
      `invalid config key "${path || '(root)'}"${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}
