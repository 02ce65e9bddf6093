import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../../testing/index.js';
import { ImageError } from '../../errors.js';
import { openImage } from '../../open-image.js';
import { skopeoCopy, startDistribution, type RunningRegistry } from '../../testing/distribution.js';
import { listImage, writeTwoLayerLayout } from '../../testing/images.js';
import { startTokenServer, type TokenServer } from '../../testing/token-server.js';
import type { RegistryOptions } from './options.js';

const dir = useTempDir('lockyard-token-auth-');
const PASSWORD = 'b0b-secret-never-printed';
const REFRESH = 'refresh-token-never-printed';
let tokens: TokenServer;
let registry: RunningRegistry;
let expected: string[];
// Mutable so one test can make the token service date its answers in the past.
const tokenOptions = {
  users: { bob: PASSWORD },
  refreshTokens: { [REFRESH]: 'bob' },
  publicRepositories: ['public/app'],
  issuedSecondsAgo: 0,
};

async function pull(repository: string, registryOptions: RegistryOptions = {}): Promise<string[]> {
  const image = await openImage(`${registry.host}/${repository}:v1`, {
    tmpDir: dir,
    registry: {
      insecureHosts: [registry.host],
      dockerConfigPath: join(dir, 'no-config.json'),
      retries: { attempts: 0 },
      ...registryOptions,
    },
  });
  try {
    return await listImage(image);
  } finally {
    await image.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  expect(message).not.toContain(PASSWORD);
  expect(message).not.toContain(REFRESH);
  return error as ImageError;
}

beforeAll(async () => {
  tokens = await startTokenServer(dir, tokenOptions);
  registry = await startDistribution(join(dir, 'registry'), {
    token: {
      realm: tokens.realm,
      service: tokens.service,
      issuer: tokens.issuer,
      rootCertBundle: tokens.certPath,
    },
  });
  await writeTwoLayerLayout(join(dir, 'image'), 'v1');
  for (const repository of ['public/app', 'private/app', 'private/other']) {
    await skopeoCopy(`oci:${join(dir, 'image')}:v1`, `docker://${registry.host}/${repository}:v1`, {
      creds: `bob:${PASSWORD}`,
    });
  }
  const local = await openImage(join(dir, 'image'), { tmpDir: dir });
  expected = await listImage(local);
  await local.close();
  tokens.requests.length = 0;
});

afterAll(async () => {
  await registry.stop();
  await tokens.close();
});

describe('Bearer token auth (Distribution with auth.token, our realm)', () => {
  it('anonymous pull of a public repository asks the realm for repository:NAME:pull', async () => {
    expect(await pull('public/app')).toEqual(expected);
    expect(tokens.requests).toEqual([
      {
        method: 'GET',
        user: undefined,
        scopes: ['repository:public/app:pull'],
        service: tokens.service,
        grantType: undefined,
      },
    ]);
  });

  it('reuses a token for its scope until it expires', async () => {
    const before = tokens.requests.length;
    expect(await pull('public/app')).toEqual(expected);
    expect(tokens.requests.length).toBe(before);
  });

  it('asks again when the token service dates its tokens as already expired', async () => {
    tokenOptions.issuedSecondsAgo = 3600;
    try {
      const before = tokens.requests.length;
      await pull('private/other', { username: 'bob', password: PASSWORD });
      await pull('private/other', { username: 'bob', password: PASSWORD });
      expect(tokens.requests.length - before).toBe(2);
    } finally {
      tokenOptions.issuedSecondsAgo = 0;
    }
  });

  it('a private repository without credentials: 401 named, with what to do', async () => {
    const error = await failure(pull('private/app'));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(
      new RegExp(
        `^${registry.host}/private/app:v1: registry ${registry.host} requires authentication for ${registry.host}/private/app \\(401 Unauthorized\\) .*; log in with --username and --password-stdin \\(or docker login\\)$`,
      ),
    );
  });

  it('user name and password go to the realm, never to the registry', async () => {
    const before = tokens.requests.length;
    expect(await pull('private/app', { username: 'bob', password: PASSWORD })).toEqual(expected);
    expect(tokens.requests.slice(before)).toEqual([
      {
        method: 'GET',
        user: 'bob',
        scopes: ['repository:private/app:pull'],
        service: tokens.service,
        grantType: undefined,
      },
    ]);
  });

  it('a wrong password is refused by the token service, in one line', async () => {
    const error = await failure(pull('private/app', { username: 'bob', password: 'nope' }));
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe(
      `${registry.host}/private/app: the token service at ${new URL(tokens.realm).host} refused the credentials given (401); check them`,
    );
  });

  it('an identity token from docker config is exchanged with the OAuth2 refresh-token POST', async () => {
    await mkdir(join(dir, 'docker'), { recursive: true });
    const configPath = join(dir, 'docker', 'config.json');
    await writeFile(
      configPath,
      JSON.stringify({
        auths: {
          [registry.host]: {
            auth: Buffer.from('<token>:').toString('base64'),
            identitytoken: REFRESH,
          },
        },
      }),
    );
    const before = tokens.requests.length;
    expect(await pull('private/app', { dockerConfigPath: configPath })).toEqual(expected);
    expect(tokens.requests.slice(before)).toEqual([
      {
        method: 'POST',
        user: 'bob',
        scopes: ['repository:private/app:pull'],
        service: tokens.service,
        grantType: 'refresh_token',
      },
    ]);
  });
});
