import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type * as Forge from 'node-forge';

// node-forge is CommonJS without ESM named exports, and the project compiles without esModuleInterop.
const forge = createRequire(import.meta.url)('node-forge') as typeof Forge;

export interface DevTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** A folder holding only `ca.crt`: what `skopeo --cert-dir`, podman and containers' certs.d expect. */
  readonly trustDir: string;
  readonly caPath: string;
  readonly created: boolean;
}

interface KeyPair {
  readonly privateKey: Forge.pki.rsa.PrivateKey;
  readonly publicKey: Forge.pki.rsa.PublicKey;
  readonly pem: string;
}

// Keys come from node:crypto (native, fast); forge only assembles and signs the certificates.
function rsaKeyPair(): KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem);
  return {
    privateKey: forgeKey,
    publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e),
    pem,
  };
}

function baseCertificate(publicKey: Forge.pki.rsa.PublicKey, days: number): Forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Serial numbers must be positive: clear the top bit.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  return cert;
}

function altNames(hosts: readonly string[]): { type: number; value?: string; ip?: string }[] {
  const names = new Set([
    'localhost',
    '127.0.0.1',
    '::1',
    ...hosts.filter((host) => host !== '' && host !== '0.0.0.0' && host !== '::'),
  ]);
  return [...names].map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }));
}

function issue(hosts: readonly string[]): {
  caPem: string;
  certPem: string;
  keyPem: string;
  caKeyPem: string;
} {
  const caKeys = rsaKeyPair();
  const ca = baseCertificate(caKeys.publicKey, 3650);
  const caName = [
    { name: 'commonName', value: 'Lockyard development CA' },
    { name: 'organizationName', value: 'Lockyard (development only)' },
  ];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = rsaKeyPair();
  const server = baseCertificate(serverKeys.publicKey, 825);
  server.setSubject([{ name: 'commonName', value: 'localhost' }]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: altNames(hosts) },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());
  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(server),
    keyPem: serverKeys.pem,
    caKeyPem: caKeys.pem,
  };
}

/**
 * The `--tls-dev` certificates: a self-signed CA and a server certificate it signed (for
 * localhost, the loopback addresses and `hosts`), created once in `<data-dir>/tls-dev/` and
 * reused on later starts so a client that trusted the CA keeps working.
 */
export async function ensureDevTls(dataDir: string, hosts: readonly string[]): Promise<DevTls> {
  const dir = join(dataDir, 'tls-dev');
  const trustDir = join(dir, 'trust');
  const paths = {
    ca: join(trustDir, 'ca.crt'),
    cert: join(dir, 'server.crt'),
    key: join(dir, 'server.key'),
    caKey: join(dir, 'ca.key'),
  };
  let created = false;
  if (!existsSync(paths.cert) || !existsSync(paths.key) || !existsSync(paths.ca)) {
    await mkdir(trustDir, { recursive: true, mode: 0o700 });
    const issued = issue(hosts);
    await writeFile(paths.caKey, issued.caKeyPem, { mode: 0o600 });
    await writeFile(paths.key, issued.keyPem, { mode: 0o600 });
    await writeFile(paths.cert, issued.certPem, { mode: 0o644 });
    await writeFile(paths.ca, issued.caPem, { mode: 0o644 });
    created = true;
  }
  return {
    cert: await readFile(paths.cert),
    key: await readFile(paths.key),
    trustDir,
    caPath: paths.ca,
    created,
  };
}
