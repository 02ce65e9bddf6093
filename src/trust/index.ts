import { readFileSync } from 'node:fs';

/**
 * The CA certificates outbound TLS trusts (registries, advisory feeds, webhooks, the admin API).
 *
 * Node reads `NODE_EXTRA_CA_CERTS` at start-up, before any JavaScript runs, and parsing a system
 * bundle of ~150 certificates there costs every run ~20-30 ms, also the many that open no TLS
 * connection (an image on disk, a warm rescan). The launcher (bin/lockyard.js) therefore starts
 * Node without the variable and hands its value over with {@link deferExtraCaCertificates}; it is
 * read here, on the first TLS client that needs it, and the certificates go into that client's
 * `ca` list next to Node's own roots: the same trust as Node's default store, built later.
 */

let deferred = false;
let envCertificates: Promise<readonly string[]> | undefined;

/** Called by the launcher: the process started without `NODE_EXTRA_CA_CERTS`; read it on use. */
export function deferExtraCaCertificates(): void {
  deferred = true;
  envCertificates = undefined;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * The certificates of a PEM bundle. Like Node, a file that cannot be read, or a block that is not
 * a certificate, is skipped with a warning rather than stopping the run.
 */
export async function readCaBundle(
  path: string,
  warn: (message: string) => void,
): Promise<string[]> {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    warn(
      `ignoring extra CA certificates from ${path} (NODE_EXTRA_CA_CERTS): cannot read it (${code})`,
    );
    return [];
  }
  // Loaded here: every command imports this module, few open a TLS connection.
  const { X509Certificate } = await import('node:crypto');
  const certificates: string[] = [];
  let index = 0;
  for (const [block] of text.matchAll(PEM_BLOCK)) {
    index += 1;
    try {
      new X509Certificate(block);
      certificates.push(block);
    } catch {
      warn(
        `ignoring certificate ${index} in ${path} (NODE_EXTRA_CA_CERTS): not a valid certificate`,
      );
    }
  }
  if (index === 0) {
    warn(`ignoring ${path} (NODE_EXTRA_CA_CERTS): no PEM certificate in it`);
  }
  return certificates;
}

function warnOnStderr(message: string): void {
  process.stderr.write(`lockyard: warning: ${message}\n`);
}

/** `NODE_EXTRA_CA_CERTS`'s certificates, read once (and warned about once). */
function extraFromEnvironment(): Promise<readonly string[]> {
  const path = process.env['NODE_EXTRA_CA_CERTS'];
  envCertificates ??= path ? readCaBundle(path, warnOnStderr) : Promise.resolve([]);
  return envCertificates;
}

/**
 * The `ca` list for a TLS client that trusts Node's default store plus `extra` (e.g. `--ca-file`),
 * or undefined where Node's default store already is exactly that (nothing extra, nothing
 * deferred): the client then passes no `ca` at all. An explicit `ca` replaces Node's store, so the
 * list carries Node's roots and `NODE_EXTRA_CA_CERTS` along with `extra`.
 */
export async function caCertificates(extra: readonly string[] = []): Promise<string[] | undefined> {
  if (extra.length === 0 && !deferred) return undefined;
  const environment = await extraFromEnvironment();
  if (extra.length === 0 && environment.length === 0) return undefined;
  const { rootCertificates } = await import('node:tls');
  return [...rootCertificates, ...environment, ...extra];
}
