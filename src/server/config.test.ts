import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/index.js';
import { envName, loadServerConfig } from './config.js';
import { isLoopback, parseListenAddress } from './listen-address.js';

const dir = useTempDir('lockyard-config-');

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('server config', () => {
  it('layers defaults, the YAML file, LOCKYARD_* variables and flags, in that order', () => {
    const path = file(
      'a.yaml',
      'listen: 127.0.0.1:6000\nlogLevel: warn\nregistry:\n  uploadTtlSeconds: 60\n  cacheBytes: 1000\n',
    );
    const config = loadServerConfig({
      file: path,
      env: {
        LOCKYARD_LOG_LEVEL: 'error',
        LOCKYARD_REGISTRY_CACHE_BYTES: '2000',
        LOCKYARD_REGISTRY_UPLOAD_SWEEP_SECONDS: '30',
        LOCKYARD_INSECURE_HTTP: 'true',
      },
      flags: { listen: '127.0.0.1:0' },
    });
    expect(config).toMatchObject({
      listen: '127.0.0.1:0',
      logLevel: 'error',
      insecureHttp: true,
      tlsDev: false,
    });
    expect(config.registry).toEqual({
      maxManifestBytes: 4 * 1024 * 1024,
      uploadTtlSeconds: 60,
      uploadSweepSeconds: 30,
      cacheBytes: 2000,
      gcGracePeriodSeconds: 3600,
    });
  });

  it('names every key by its env variable', () => {
    expect(envName(['registry', 'maxManifestBytes'])).toBe('LOCKYARD_REGISTRY_MAX_MANIFEST_BYTES');
    expect(envName(['tlsDev'])).toBe('LOCKYARD_TLS_DEV');
  });

  it('refuses an unknown key, naming it and the file', () => {
    const path = file('b.yaml', 'listen: 127.0.0.1:1\nregistry:\n  maxManifestByte: 10\n');
    expect(() => loadServerConfig({ file: path, env: {}, flags: {} })).toThrow(
      `invalid config key "registry.maxManifestByte" in ${path}: Unrecognized key: "maxManifestByte"`,
    );
  });

  it('refuses a value of the wrong type, naming the key and the reason', () => {
    const path = file('c.yaml', 'insecureHttp: "yes please"\n');
    expect(() => loadServerConfig({ file: path, env: {}, flags: {} })).toThrow(
      /invalid config key "insecureHttp" in .*c\.yaml: .*boolean/,
    );
    expect(() =>
      loadServerConfig({ env: { LOCKYARD_REGISTRY_UPLOAD_TTL_SECONDS: '10m' }, flags: {} }),
    ).toThrow('LOCKYARD_REGISTRY_UPLOAD_TTL_SECONDS: expected a whole number, got "10m"');
    expect(() =>
      loadServerConfig({ file: file('d.yaml', '- a\n- b\n'), env: {}, flags: {} }),
    ).toThrow(/top level must be a mapping/);
    expect(() => loadServerConfig({ file: file('e.yaml', 'a: [\n'), env: {}, flags: {} })).toThrow(
      /is not valid YAML/,
    );
    expect(() => loadServerConfig({ file: join(dir, 'missing.yaml'), env: {}, flags: {} })).toThrow(
      /cannot read config file/,
    );
  });

  it('parses listen addresses and knows loopback', () => {
    expect(parseListenAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress('[::1]:5000')).toEqual({ host: '::1', port: 5000 });
    expect(() => parseListenAddress('localhost')).toThrow(/invalid listen address "localhost"/);
    expect(() => parseListenAddress('a:99999')).toThrow(/invalid listen address/);
    expect(['127.0.0.1', '127.8.9.10', '::1', 'localhost'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.com', '128.0.0.1'].map(isLoopback)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
