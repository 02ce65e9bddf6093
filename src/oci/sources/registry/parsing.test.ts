import { mkdtemp, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { useTempDir } from '../../../testing/index.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nameMatches } from '../image-names.js';
import { parseWwwAuthenticate } from './challenge.js';
import { credentialSourceFor, defaultCredentialFiles } from './docker-config.js';
import { retryAfterMs } from './http.js';

describe('parseWwwAuthenticate', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/alpine:pull',
          },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    // Two challenges in one header; token values; escapes; spacing around '='.
    [
      'Bearer realm="https://r/t", error=insufficient_scope, Basic realm = "a \\"quoted\\" realm"',
      [
        { scheme: 'bearer', params: { realm: 'https://r/t', error: 'insufficient_scope' } },
        { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
      ],
    ],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['Bearer realm="unterminated', [{ scheme: 'bearer', params: {} }]],
    ['', []],
  ])('%s', (header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, capped at a minute', () => {
    const now = Date.parse('2024-05-01T00:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('Wed, 01 May 2024 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('86400', now)).toBe(60_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('credentialSourceFor (docker config.json)', () => {
  const root = useTempDir('lockyard-docker-config-');
  const auth = (user: string): string => Buffer.from(`${user}:pw`).toString('base64');
  async function config(value: unknown): Promise<string> {
    const dir = await mkdtemp(join(root, 'config-'));
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify(value));
    return path;
  }

  it('finds Docker Hub credentials under the key docker login writes', async () => {
    const path = await config({ auths: { 'https://index.docker.io/v1/': { auth: auth('hub') } } });
    expect(await credentialSourceFor('registry-1.docker.io', path)).toEqual({
      kind: 'basic',
      username: 'hub',
      password: 'pw',
    });
  });

  it('asks a helper for Docker Hub with the index server URL', async () => {
    const path = await config({ credsStore: 'desktop' });
    expect(await credentialSourceFor('registry-1.docker.io', path)).toEqual({
      kind: 'helper',
      helper: 'desktop',
      serverUrl: 'https://index.docker.io/v1/',
      origin: `credsStore in ${path}`,
    });
  });

  it('matches host and port exactly, and says nothing about other registries', async () => {
    const path = await config({
      auths: {
        'registry.example.com:5000': { auth: auth('a') },
        'https://registry.example.com': { auth: auth('b') },
      },
    });
    expect(await credentialSourceFor('registry.example.com', path)).toMatchObject({
      username: 'b',
    });
    expect(await credentialSourceFor('registry.example.com:5000', path)).toMatchObject({
      username: 'a',
    });
    expect(await credentialSourceFor('other.example.com', path)).toBeUndefined();
    expect(
      await credentialSourceFor('x', join(tmpdir(), 'no-such-dir', 'config.json')),
    ).toBeUndefined();
  });

  it('a config that is not JSON names the file, nothing else', async () => {
    const dir = await mkdtemp(join(root, 'config-'));
    const path = join(dir, 'config.json');
    await writeFile(path, '{"auths": {"x": {"auth": "c2VjcmV0"}');
    await expect(credentialSourceFor('x', path)).rejects.toThrow(
      `docker config ${path}: invalid JSON`,
    );
  });
});

describe('nameMatches (archive and layout image names)', () => {
  it.each([
    ['alpine:3.10', 'alpine:3.10', true],
    ['alpine:3.10', 'docker.io/library/alpine:3.10', true],
    ['docker.io/library/alpine:3.10', 'alpine:3.10', true],
    ['alpine:latest', 'alpine', true],
    ['alpine:3.10', '3.10', true],
    ['localhost/app:1', 'app:1', false],
    ['alpine:3.10', 'alpine:3.1', false],
    ['latest', 'latest', true],
  ])('%s ~ %s', (stored, wanted, expected) => {
    expect(nameMatches(stored, wanted)).toBe(expected);
  });
});

describe('defaultCredentialFiles', () => {
  it("reads podman's auth file before docker's config.json, as containers-auth.json(5) orders them", () => {
    const home = homedir();
    expect(defaultCredentialFiles({ XDG_RUNTIME_DIR: '/run/user/0' })).toEqual([
      '/run/user/0/containers/auth.json',
      join(home, '.config', 'containers', 'auth.json'),
      join(home, '.docker', 'config.json'),
    ]);
    expect(
      defaultCredentialFiles({ REGISTRY_AUTH_FILE: '/etc/auth.json', DOCKER_CONFIG: '/cfg' }),
    ).toEqual(['/etc/auth.json', '/cfg/config.json']);
  });
});
