import { execFileSync, spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTlsFiles, repoRoot, useTempDir } from '../../../testing/index.js';
import { ImageError } from '../../errors.js';
import { openImage } from '../../open-image.js';
import { skopeoCopy, startDistribution, type RunningRegistry } from '../../testing/distribution.js';
import { listImage, writeTwoLayerLayout } from '../../testing/images.js';
import type { RegistryOptions } from './options.js';

const dir = useTempDir('lockyard-basic-auth-');
const USER = 'alice';
const PASSWORD = 'pa55-w0rd-never-printed';
let basic: RunningRegistry;
let tls: RunningRegistry;
let caPem: string;
let expected: string[];

async function pull(host: string, registry: RegistryOptions): Promise<string[]> {
  const image = await openImage(`${host}/private/app:v1`, {
    tmpDir: dir,
    registry: { retries: { attempts: 0 }, ...registry },
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
  expect(message).not.toContain(Buffer.from(`${USER}:${PASSWORD}`).toString('base64'));
  return error as ImageError;
}

async function dockerConfig(name: string, config: unknown): Promise<string> {
  const path = join(dir, name, 'config.json');
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(path, JSON.stringify(config));
  return path;
}

beforeAll(async () => {
  await writeTwoLayerLayout(join(dir, 'image'), 'v1');
  basic = await startDistribution(join(dir, 'basic'), {
    htpasswd: { user: USER, password: PASSWORD },
  });
  await skopeoCopy(`oci:${join(dir, 'image')}:v1`, `docker://${basic.host}/private/app:v1`, {
    creds: `${USER}:${PASSWORD}`,
  });
  const files = await makeTlsFiles(join(dir, 'tls'));
  caPem = await readFile(files.caCert, 'utf8');
  tls = await startDistribution(join(dir, 'tls-registry'), {
    tls: { cert: files.cert, key: files.key },
  });
  // skopeo reads a directory of *.crt CA files.
  await mkdir(join(dir, 'certs.d'), { recursive: true });
  await copyFile(files.caCert, join(dir, 'certs.d', 'ca.crt'));
  await skopeoCopy(`oci:${join(dir, 'image')}:v1`, `docker://${tls.host}/private/app:v1`, {
    destCertDir: join(dir, 'certs.d'),
  });
  const local = await openImage(join(dir, 'image'), { tmpDir: dir });
  expected = await listImage(local);
  await local.close();
});

afterAll(async () => {
  await basic.stop();
  await tls.stop();
});

describe('Basic auth (Distribution with htpasswd)', () => {
  it('without credentials: one line naming registry and repository, and what to do', async () => {
    const error = await failure(
      pull(basic.host, { insecureHosts: [basic.host], dockerConfigPath: join(dir, 'none.json') }),
    );
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe(
      `${basic.host}/private/app:v1: registry ${basic.host} requires authentication for ${basic.host}/private/app (401 Unauthorized) [UNAUTHORIZED: authentication required]; log in with --username and --password-stdin (or docker login)`,
    );
  });

  it('with --username and --password-stdin', async () => {
    expect(
      await pull(basic.host, { insecureHosts: [basic.host], username: USER, password: PASSWORD }),
    ).toEqual(expected);
  });

  it('with a wrong password: rejected, and the password is never printed', async () => {
    const error = await failure(
      pull(basic.host, { insecureHosts: [basic.host], username: USER, password: `${PASSWORD}x` }),
    );
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(
      /\(401 Unauthorized\) .*; the credentials given were rejected; check them$/,
    );
  });

  it('from ~/.docker/config.json auths (base64 user:password), under any key form docker login writes', async () => {
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    for (const key of [basic.host, `http://${basic.host}`, `https://${basic.host}/v2/`]) {
      const path = await dockerConfig(`auths-${key.length}`, {
        auths: { 'other.example': { auth: 'eDp5' }, [key]: { auth } },
      });
      expect(
        await pull(basic.host, { insecureHosts: [basic.host], dockerConfigPath: path }),
      ).toEqual(expected);
    }
  });

  it('from the auth file a real `podman login` writes ($REGISTRY_AUTH_FILE)', async () => {
    const authFile = join(dir, 'podman', 'auth.json');
    execFileSync(
      'podman',
      [
        'login',
        '--tls-verify=false',
        '--authfile',
        authFile,
        '-u',
        USER,
        '--password-stdin',
        basic.host,
      ],
      { input: PASSWORD, stdio: ['pipe', 'ignore', 'pipe'] },
    );
    const saved = process.env['REGISTRY_AUTH_FILE'];
    process.env['REGISTRY_AUTH_FILE'] = authFile;
    try {
      expect(await pull(basic.host, { insecureHosts: [basic.host] })).toEqual(expected);
    } finally {
      if (saved === undefined) delete process.env['REGISTRY_AUTH_FILE'];
      else process.env['REGISTRY_AUTH_FILE'] = saved;
    }
  });

  it('a malformed auths entry names the field, never its value', async () => {
    const path = await dockerConfig('bad-auth', {
      auths: { [basic.host]: { auth: Buffer.from(PASSWORD).toString('base64') } },
    });
    const error = await failure(
      pull(basic.host, { insecureHosts: [basic.host], dockerConfigPath: path }),
    );
    expect(error.code).toBe('CREDENTIALS_UNAVAILABLE');
    expect(error.message).toBe(
      `docker config ${path}: auths["${basic.host}"].auth is not base64 of "user:password"`,
    );
  });

  describe('credential helpers', () => {
    const bin = join(dir, 'bin');
    const originalPath = process.env['PATH'];
    beforeAll(async () => {
      await mkdir(bin, { recursive: true });
      // A helper speaking the docker-credential-helpers protocol: server URL on stdin, JSON out.
      const helper = `#!/bin/sh
[ "$1" = get ] || exit 2
read server
printf '%s' "$server" > "${join(dir, 'helper-asked')}"
if [ "$server" = "${basic.host}" ]; then
  printf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$server"
else
  echo "credentials not found in native keychain"; exit 1
fi
`;
      await writeFile(join(bin, 'docker-credential-lockyardtest'), helper);
      await chmod(join(bin, 'docker-credential-lockyardtest'), 0o755);
      process.env['PATH'] = `${bin}:${originalPath ?? ''}`;
    });
    afterAll(() => {
      process.env['PATH'] = originalPath;
    });

    it('credsStore: asks the helper for the host', async () => {
      const path = await dockerConfig('store', {
        auths: { [basic.host]: {} },
        credsStore: 'lockyardtest',
      });
      expect(
        await pull(basic.host, { insecureHosts: [basic.host], dockerConfigPath: path }),
      ).toEqual(expected);
      expect(await readFile(join(dir, 'helper-asked'), 'utf8')).toBe(basic.host);
    });

    it('credHelpers for the host win over auths', async () => {
      const path = await dockerConfig('helpers', {
        auths: { [basic.host]: { auth: Buffer.from('alice:wrong').toString('base64') } },
        credHelpers: { [basic.host]: 'lockyardtest' },
      });
      expect(
        await pull(basic.host, { insecureHosts: [basic.host], dockerConfigPath: path }),
      ).toEqual(expected);
    });

    it('a helper that knows nothing means anonymous', async () => {
      const path = await dockerConfig('store-empty', { credsStore: 'lockyardtest' });
      const error = await failure(
        pull(`localhost:${basic.host.split(':')[1] ?? ''}`, {
          insecureHosts: [`localhost:${basic.host.split(':')[1] ?? ''}`],
          dockerConfigPath: path,
        }),
      );
      expect(error.code).toBe('UNAUTHORIZED');
      expect(await readFile(join(dir, 'helper-asked'), 'utf8')).toMatch(/^localhost:\d+$/);
    });

    it('a helper that is not installed is a clear error', async () => {
      const path = await dockerConfig('missing-helper', {
        credHelpers: { [basic.host]: 'nosuchhelper' },
      });
      const error = await failure(
        pull(basic.host, { insecureHosts: [basic.host], dockerConfigPath: path }),
      );
      expect(error.code).toBe('CREDENTIALS_UNAVAILABLE');
      expect(error.message).toBe(
        `credential helper docker-credential-nosuchhelper (credHelpers in ${path}) is not installed or not on PATH; install it, or pass --username and --password-stdin`,
      );
    });

    it('explicit credentials skip the config and its helpers', async () => {
      const path = await dockerConfig('ignored', { credsStore: 'nosuchhelper' });
      expect(
        await pull(basic.host, {
          insecureHosts: [basic.host],
          dockerConfigPath: path,
          username: USER,
          password: PASSWORD,
        }),
      ).toEqual(expected);
    });
  });
});

describe('TLS (Distribution serving HTTPS with a private CA)', () => {
  it('trusts the registry with the CA given', async () => {
    expect(await pull(tls.host, { caCertificates: [caPem] })).toEqual(expected);
  });

  it('the launcher trusts NODE_EXTRA_CA_CERTS, which it reads only when a connection needs it', () => {
    // The executable itself, so its #! line runs: it starts Node without the variable.
    const launch = (env: NodeJS.ProcessEnv) =>
      spawnSync(
        join(repoRoot, 'bin', 'lockyard.js'),
        [
          'sbom',
          `${tls.host}/private/app:v1`,
          '-f',
          'json',
          '--data-dir',
          join(dir, 'cli-data'),
          '--quiet',
        ],
        {
          env: { ...process.env, ...env },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
    const trusted = launch({ NODE_EXTRA_CA_CERTS: join(dir, 'certs.d', 'ca.crt') });
    expect(trusted.stderr).toBe('');
    expect(trusted.status).toBe(0);
    expect(JSON.parse(trusted.stdout)).toHaveProperty('image');
    const untrusted = launch({ NODE_EXTRA_CA_CERTS: '' });
    expect(untrusted.status).toBe(2);
    expect(untrusted.stderr).toMatch(
      /the TLS certificate is not trusted: pass --ca-file with its CA\n$/,
    );
    const missing = launch({ NODE_EXTRA_CA_CERTS: join(dir, 'no-such.pem') });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(
      `lockyard: warning: ignoring extra CA certificates from ${join(dir, 'no-such.pem')} (NODE_EXTRA_CA_CERTS): cannot read it (ENOENT)\n`,
    );
  });

  it('without the CA: one line saying to pass --ca-file', async () => {
    const error = await failure(pull(tls.host, {}));
    expect(error.code).toBe('REGISTRY_ERROR');
    expect(error.message).toMatch(
      new RegExp(
        `^cannot reach ${tls.host}: .+; the TLS certificate is not trusted: pass --ca-file with its CA$`,
      ),
    );
  });
});
