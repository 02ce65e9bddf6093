// Pushing through CNCF Distribution's two auth schemes: htpasswd Basic, and token auth against
// our test token service (the realm the registry trusts). The scopes asked for are checked on the
// token service's side; refusals are one line with guidance and never carry a secret.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTlsFiles, useTempDir } from '../../testing/index.js';
import { ImageError } from '../errors.js';
import { startDistribution, type RunningRegistry } from '../testing/distribution.js';
import { startTokenServer, type TokenServer } from '../testing/token-server.js';
import type { ArtifactInput, PushArtifactOptions } from './artifact-input.js';
import { pullArtifact } from './pull-artifact.js';
import { pushArtifact } from './push-artifact.js';

const dir = useTempDir('lockyard-push-auth-');
const PASSWORD = 'pu5h-secret-never-printed';
const READER_PASSWORD = 'r3ader-secret-never-printed';
const TYPE = 'application/vnd.lockyard.test.v1';
const artifact: ArtifactInput = {
  artifactType: TYPE,
  files: [{ bytes: Buffer.from('signed payload'), name: 'payload.txt', mediaType: 'text/plain' }],
};
let basic: RunningRegistry;
let tls: RunningRegistry;
let caPem: string;
let tokens: TokenServer;
let tokenRegistry: RunningRegistry;
const noConfig = (): string => join(dir, 'no-docker-config.json');

function options(host: string, extra: PushArtifactOptions = {}): PushArtifactOptions {
  return {
    insecureHosts: [host],
    dockerConfigPath: noConfig(),
    retries: { attempts: 0 },
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImageError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  for (const secret of [
    PASSWORD,
    READER_PASSWORD,
    Buffer.from(`alice:${PASSWORD}`).toString('base64'),
  ])
    expect(message).not.toContain(secret);
  return error as ImageError;
}

beforeAll(async () => {
  basic = await startDistribution(join(dir, 'basic'), {
    htpasswd: { user: 'alice', password: PASSWORD },
  });
  const files = await makeTlsFiles(join(dir, 'tls'));
  caPem = await readFile(files.caCert, 'utf8');
  tls = await startDistribution(join(dir, 'tls-registry'), {
    tls: { cert: files.cert, key: files.key },
    htpasswd: { user: 'alice', password: PASSWORD },
  });
  tokens = await startTokenServer(dir, {
    users: { bob: PASSWORD, reader: READER_PASSWORD },
    readOnlyUsers: ['reader'],
    publicRepositories: ['public/db'],
  });
  tokenRegistry = await startDistribution(join(dir, 'token'), {
    token: {
      realm: tokens.realm,
      service: tokens.service,
      issuer: tokens.issuer,
      rootCertBundle: tokens.certPath,
    },
  });
});

afterAll(async () => {
  await basic.stop();
  await tls.stop();
  await tokenRegistry.stop();
  await tokens.close();
});

describe('push with htpasswd Basic auth', () => {
  it('pushes with --username/--password-stdin credentials, and with those of a docker config.json', async () => {
    const host = basic.host;
    const digest = await pushArtifact(
      `${host}/team/db:v1`,
      artifact,
      options(host, { username: 'alice', password: PASSWORD }),
    );
    const configPath = join(dir, 'docker', 'config.json');
    await mkdir(join(dir, 'docker'));
    await writeFile(
      configPath,
      JSON.stringify({
        auths: { [host]: { auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') } },
      }),
    );
    expect(
      await pushArtifact(
        `${host}/team/other:v1`,
        artifact,
        options(host, { dockerConfigPath: configPath }),
      ),
    ).toBe(digest);
    const pulled = await pullArtifact(
      `${host}/team/other:v1`,
      options(host, { dockerConfigPath: configPath }),
    );
    expect(pulled.files[0]?.bytes?.toString('utf8')).toBe('signed payload');
  });

  it('a wrong password and no credentials are one line each, with what to do', async () => {
    const host = basic.host;
    const wrong = await failure(
      pushArtifact(
        `${host}/team/db:v2`,
        artifact,
        options(host, { username: 'alice', password: 'not-it' }),
      ),
    );
    expect(wrong.code).toBe('UNAUTHORIZED');
    expect(wrong.message).toMatch(
      new RegExp(
        `^${host}/team/db:v2: registry ${host} requires authentication for ${host}/team/db \\(401 Unauthorized\\)(?: \\[.*\\])?; the credentials given were rejected; check them$`,
      ),
    );
    const anonymous = await failure(pushArtifact(`${host}/team/db:v2`, artifact, options(host)));
    expect(anonymous.code).toBe('UNAUTHORIZED');
    expect(anonymous.message).toMatch(
      /; log in with --username and --password-stdin \(or docker login\)$/,
    );
  });
});

describe('push over HTTPS', () => {
  it('to a registry whose certificate a private CA signed, given with caCertificates; without it, one line saying so', async () => {
    const host = tls.host;
    const credentials = {
      username: 'alice',
      password: PASSWORD,
      dockerConfigPath: noConfig(),
      retries: { attempts: 0 },
    };
    const digest = await pushArtifact(`${host}/team/db:v1`, artifact, {
      ...credentials,
      caCertificates: [caPem],
    });
    expect(
      (await pullArtifact(`${host}/team/db:v1`, { ...credentials, caCertificates: [caPem] }))
        .digest,
    ).toBe(digest);
    const untrusted = await failure(pushArtifact(`${host}/team/db:v2`, artifact, credentials));
    expect(untrusted.code).toBe('REGISTRY_ERROR');
    expect(untrusted.message).toMatch(
      new RegExp(
        `^cannot reach ${host}: .+; the TLS certificate is not trusted: pass --ca-file with its CA$`,
      ),
    );
  });
});

describe('push with token auth', () => {
  it('asks the token service for repository:NAME:pull,push once for the whole push', async () => {
    const host = tokenRegistry.host;
    const before = tokens.requests.length;
    await pushArtifact(
      `${host}/team/db:v1`,
      artifact,
      options(host, { username: 'bob', password: PASSWORD }),
    );
    expect(tokens.requests.slice(before)).toEqual([
      {
        method: 'GET',
        user: 'bob',
        scopes: ['repository:team/db:pull,push'],
        service: tokens.service,
        grantType: undefined,
      },
    ]);
  });

  it('asks for pull on the repository it mounts from, and mounts', async () => {
    const host = tokenRegistry.host;
    const before = tokens.requests.length;
    const outcomes: string[] = [];
    await pushArtifact(
      `${host}/team/copy:v1`,
      artifact,
      options(host, {
        username: 'bob',
        password: PASSWORD,
        mountFrom: 'team/db',
        onBlob: (event) => outcomes.push(event.outcome),
      }),
    );
    expect(outcomes).toEqual(['mounted', 'mounted']);
    expect(tokens.requests.slice(before).map((request) => request.scopes)).toEqual([
      ['repository:team/copy:pull,push', 'repository:team/db:pull'],
    ]);
  });

  it('an account that may only pull gets DENIED naming the push; anonymous gets told to log in', async () => {
    const host = tokenRegistry.host;
    const reader = await failure(
      pushArtifact(
        `${host}/team/db:v3`,
        artifact,
        options(host, { username: 'reader', password: READER_PASSWORD }),
      ),
    );
    expect(reader.code).toBe('DENIED');
    expect(reader.message).toMatch(
      new RegExp(
        `^${host}/team/db:v3: registry ${host} denied access to ${host}/team/db \\(401 insufficient scope\\).*; the account used may not push to it \\(another can be given with --username and --password-stdin\\)$`,
      ),
    );
    const anonymous = await failure(pushArtifact(`${host}/public/db:v1`, artifact, options(host)));
    expect(anonymous.code).toBe('UNAUTHORIZED');
    expect(anonymous.message).toMatch(
      /log in with --username and --password-stdin \(or docker login\)$/,
    );
  });

  it('wrong credentials are refused by the token service, named as such', async () => {
    const host = tokenRegistry.host;
    const error = await failure(
      pushArtifact(
        `${host}/team/db:v4`,
        artifact,
        options(host, { username: 'bob', password: 'wrong' }),
      ),
    );
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe(
      `${host}/team/db: the token service at ${new URL(tokens.realm).host} refused the credentials given (401); check them`,
    );
  });
});
