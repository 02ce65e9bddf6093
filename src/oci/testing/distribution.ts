import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const execFileAsync = promisify(execFile);

/** How to configure the CNCF Distribution registry (`docker-registry`, Debian's build of 2.8). */
export interface DistributionOptions {
  /** htpasswd Basic auth with one user (bcrypt via `htpasswd -B`, from apache2-utils). */
  readonly htpasswd?: { readonly user: string; readonly password: string };
  /** Token auth: the registry sends clients to `realm` and trusts tokens signed by the bundle's keys. */
  readonly token?: {
    readonly realm: string;
    readonly service: string;
    readonly issuer: string;
    readonly rootCertBundle: string;
  };
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface RunningRegistry {
  /** `127.0.0.1:PORT`, as a reference's host part. */
  readonly host: string;
  stop(): Promise<void>;
}

/**
 * Starts a real `docker-registry serve` on 127.0.0.1 with a free port and filesystem storage in
 * `dir`, and waits for it to say where it listens.
 */
export async function startDistribution(
  dir: string,
  options: DistributionOptions = {},
): Promise<RunningRegistry> {
  await mkdir(join(dir, 'storage'), { recursive: true });
  let auth: Record<string, unknown> | undefined;
  if (options.htpasswd) {
    const line = execFileSync(
      'htpasswd',
      ['-Bbn', options.htpasswd.user, options.htpasswd.password],
      { encoding: 'utf8' },
    );
    await writeFile(join(dir, 'htpasswd'), line.trim() + '\n');
    auth = { htpasswd: { realm: 'lockyard-test', path: join(dir, 'htpasswd') } };
  } else if (options.token) {
    const { realm, service, issuer, rootCertBundle } = options.token;
    auth = { token: { realm, service, issuer, rootcertbundle: rootCertBundle } };
  }
  const config = {
    version: '0.1',
    log: { level: 'info', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'storage') }, delete: { enabled: true } },
    http: {
      addr: '127.0.0.1:0',
      secret: 'lockyard-test-secret',
      ...(options.tls ? { tls: { certificate: options.tls.cert, key: options.tls.key } } : {}),
    },
    ...(auth ? { auth } : {}),
  };
  const configPath = join(dir, 'config.yml');
  // YAML is a superset of JSON.
  await writeFile(configPath, JSON.stringify(config));
  const child = spawn('docker-registry', ['serve', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const host = await waitForListening(child);
  return {
    host,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

function waitForListening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`docker-registry did not start:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /listening on (?<address>127\.0\.0\.1:\d+)/.exec(output);
      if (match?.groups?.['address']) {
        clearTimeout(timer);
        resolve(match.groups['address']);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`docker-registry exited with ${code ?? 'a signal'}:\n${output}`));
    });
  });
}

/**
 * Copies an image with skopeo (the reference client). Asynchronous on purpose: a token server in
 * the test's own process must keep answering while skopeo runs.
 */
export async function skopeoCopy(
  source: string,
  destination: string,
  options: { all?: boolean; creds?: string; destCertDir?: string; format?: 'v2s2' | 'oci' } = {},
): Promise<void> {
  const args = ['--insecure-policy', 'copy', '--quiet'];
  if (options.all) args.push('--all');
  if (options.format) args.push('--format', options.format);
  if (options.creds) args.push('--dest-creds', options.creds);
  if (options.destCertDir) args.push('--dest-cert-dir', options.destCertDir);
  else args.push('--dest-tls-verify=false');
  args.push(source, destination);
  await execFileAsync('skopeo', args);
}
