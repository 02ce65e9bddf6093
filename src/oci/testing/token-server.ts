import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { importPKCS8, SignJWT } from 'jose';
import { selfSignedCertificate } from '../../testing/index.js';

export interface TokenServerOptions {
  /** user -> password accepted with Basic auth at the realm. */
  readonly users: Readonly<Record<string, string>>;
  /** OAuth2 refresh tokens (docker `identitytoken`) -> the user they stand for. */
  readonly refreshTokens?: Readonly<Record<string, string>>;
  /** Users who may only pull, whatever they ask for. */
  readonly readOnlyUsers?: readonly string[];
  /** Repositories anyone may pull without credentials. */
  readonly publicRepositories?: readonly string[];
  /** Token lifetime to announce, and how far in the past to date `issued_at` in the answer (the JWT stays valid). */
  readonly expiresIn?: number;
  readonly issuedSecondsAgo?: number;
}

export interface TokenRequestRecord {
  readonly method: string;
  readonly user: string | undefined;
  readonly scopes: readonly string[];
  readonly service: string | null;
  readonly grantType: string | undefined;
}

export interface TokenServer {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** PEM bundle the registry trusts (the signing certificate itself). */
  readonly certPath: string;
  readonly requests: TokenRequestRecord[];
  close(): Promise<void>;
}

function pemBody(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A token service as in the distribution token-auth spec, for CNCF Distribution configured with
 * `auth.token`: it authenticates users (Basic, or an OAuth2 refresh token via POST) and signs
 * RS256 JWTs whose `x5c` header carries the certificate the registry has as its root bundle.
 */
export async function startTokenServer(
  dir: string,
  options: TokenServerOptions,
): Promise<TokenServer> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.pem');
  selfSignedCertificate(keyPath, certPath, '/CN=lockyard test token signer');
  const key = await importPKCS8(await readFile(keyPath, 'utf8'), 'RS256');
  const x5c = [pemBody(await readFile(certPath, 'utf8'))];
  const service = 'lockyard-test-registry';
  const issuer = 'lockyard-test-issuer';
  const requests: TokenRequestRecord[] = [];

  async function issue(user: string | undefined, scopes: readonly string[]): Promise<string> {
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || !name) return [];
      const wanted = (actions ?? '').split(',');
      const pullOnly = user
        ? options.readOnlyUsers?.includes(user) === true
        : options.publicRepositories?.includes(name) === true;
      const allowed = pullOnly ? wanted.filter((action) => action === 'pull') : user ? wanted : [];
      return [{ type, name, actions: allowed }];
    });
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ access })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c })
      .setIssuer(issuer)
      .setSubject(user ?? '')
      .setAudience(service)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + (options.expiresIn ?? 300))
      .setJti(randomUUID())
      .sign(key);
  }

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://token');
      const json = (status: number, body: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      let user: string | undefined;
      let scopes = url.searchParams.getAll('scope');
      let grantType: string | undefined;
      if (request.method === 'POST') {
        const form = new URLSearchParams(await readBody(request));
        grantType = form.get('grant_type') ?? undefined;
        scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
        user = options.refreshTokens?.[form.get('refresh_token') ?? ''];
        requests.push({ method: 'POST', user, scopes, service: form.get('service'), grantType });
        if (grantType !== 'refresh_token' || !user) {
          json(401, { error: 'invalid_grant' });
          return;
        }
      } else {
        const basic = /^Basic (?<value>.+)$/.exec(request.headers.authorization ?? '')?.groups?.[
          'value'
        ];
        if (basic) {
          const decoded = Buffer.from(basic, 'base64').toString('utf8');
          const colon = decoded.indexOf(':');
          const name = decoded.slice(0, colon);
          requests.push({
            method: 'GET',
            user: name,
            scopes,
            service: url.searchParams.get('service'),
            grantType,
          });
          if (options.users[name] !== decoded.slice(colon + 1)) {
            json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
            return;
          }
          user = name;
        } else {
          requests.push({
            method: 'GET',
            user: undefined,
            scopes,
            service: url.searchParams.get('service'),
            grantType,
          });
        }
      }
      const token = await issue(user, scopes);
      const issuedAt = new Date(Date.now() - (options.issuedSecondsAgo ?? 0) * 1000).toISOString();
      json(
        200,
        request.method === 'POST'
          ? { access_token: token, expires_in: options.expiresIn ?? 300, issued_at: issuedAt }
          : { token, expires_in: options.expiresIn ?? 300, issued_at: issuedAt },
      );
    })().catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPath,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
