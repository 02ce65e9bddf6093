import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A self-signed RSA certificate and its unencrypted key, valid for two days (openssl), with any
 * `-addext` extensions given (`subjectAltName=IP:127.0.0.1`).
 */
export function selfSignedCertificate(
  keyPath: string,
  certPath: string,
  subject: string,
  extensions: readonly string[] = [],
): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      subject,
      ...extensions.flatMap((extension) => ['-addext', extension]),
    ],
    { stdio: 'ignore' },
  );
}

/** A CA and a server certificate for 127.0.0.1 (Go's TLS wants the IP in subjectAltName). */
export async function makeTlsFiles(
  dir: string,
): Promise<{ caCert: string; cert: string; key: string }> {
  await mkdir(dir, { recursive: true });
  const path = (name: string): string => join(dir, name);
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  selfSignedCertificate(path('ca.key'), path('ca.pem'), '/CN=lockyard test CA');
  run([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    path('server.key'),
    '-out',
    path('server.csr'),
    '-subj',
    '/CN=127.0.0.1',
  ]);
  await writeFile(path('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  run([
    'x509',
    '-req',
    '-in',
    path('server.csr'),
    '-CA',
    path('ca.pem'),
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-out',
    path('server.pem'),
    '-days',
    '2',
    '-extfile',
    path('ext.cnf'),
  ]);
  return { caCert: path('ca.pem'), cert: path('server.pem'), key: path('server.key') };
}
