// The CA list outbound TLS clients use: a real handshake with a server whose certificate a private
// CA signed, trusted through NODE_EXTRA_CA_CERTS read on use (as the launcher arranges it).
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { Agent, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTlsFiles, useTempDir } from '../testing/index.js';
import { caCertificates, deferExtraCaCertificates, readCaBundle } from './index.js';

const dir = useTempDir('lockyard-trust-');
let files: { caCert: string; cert: string; key: string };
let caPem: string;
let server: Server;
let url: string;

beforeAll(async () => {
  files = await makeTlsFiles(join(dir, 'tls'));
  caPem = readFileSync(files.caCert, 'utf8');
  server = createServer(
    { cert: readFileSync(files.cert), key: readFileSync(files.key) },
    (_request, response) => response.end('trusted'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  vi.unstubAllEnvs();
});

async function get(ca: string[] | undefined): Promise<string> {
  const dispatcher = new Agent(ca ? { connect: { ca } } : {});
  try {
    const response = await request(url, { dispatcher });
    return await response.body.text();
  } finally {
    await dispatcher.close();
  }
}

describe('readCaBundle', () => {
  it('keeps the certificates of a bundle and names what it skips', async () => {
    const bundle = join(dir, 'bundle.pem');
    const broken =
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----';
    writeFileSync(bundle, `# a comment\n${caPem}\n${broken}\n${rootCertificates[0] ?? ''}\n`);
    const warnings: string[] = [];
    const certificates = await readCaBundle(bundle, (message) => warnings.push(message));
    expect(certificates).toEqual([caPem.trim(), rootCertificates[0]]);
    expect(warnings).toEqual([
      `ignoring certificate 2 in ${bundle} (NODE_EXTRA_CA_CERTS): not a valid certificate`,
    ]);
  });

  it('warns and trusts nothing more for a file that is missing or holds no certificate', async () => {
    const warnings: string[] = [];
    expect(
      await readCaBundle(join(dir, 'missing.pem'), (message) => warnings.push(message)),
    ).toEqual([]);
    const empty = join(dir, 'empty.pem');
    writeFileSync(empty, 'nothing here\n');
    expect(await readCaBundle(empty, (message) => warnings.push(message))).toEqual([]);
    expect(warnings).toEqual([
      `ignoring extra CA certificates from ${join(dir, 'missing.pem')} (NODE_EXTRA_CA_CERTS): cannot read it (ENOENT)`,
      `ignoring ${empty} (NODE_EXTRA_CA_CERTS): no PEM certificate in it`,
    ]);
  });
});

describe('caCertificates', () => {
  it("is undefined (Node's default store) when nothing is added, and the server is then not trusted", async () => {
    expect(await caCertificates()).toBeUndefined();
    await expect(get(undefined)).rejects.toThrow(/self-signed certificate|unable to verify/);
  });

  it("adds a caller's CA to Node's roots", async () => {
    vi.stubEnv('NODE_EXTRA_CA_CERTS', '');
    const ca = await caCertificates([caPem]);
    expect(ca).toEqual([...rootCertificates, caPem]);
    expect(await get(ca)).toBe('trusted');
  });

  it('reads NODE_EXTRA_CA_CERTS on use once the launcher deferred it, and the handshake succeeds', async () => {
    vi.stubEnv('NODE_EXTRA_CA_CERTS', files.caCert);
    deferExtraCaCertificates();
    const ca = await caCertificates();
    expect(ca).toEqual([...rootCertificates, caPem.trim()]);
    expect(await get(ca)).toBe('trusted');
    // --ca-file on top: both kept, the environment's first.
    const more = rootCertificates[1] ?? '';
    expect(await caCertificates([more])).toEqual([...rootCertificates, caPem.trim(), more]);
  });
});
