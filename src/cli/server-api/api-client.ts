import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import { describeCause } from '../../errors/index.js';
import { caCertificates } from '../../trust/index.js';
import { AdminClientError } from './errors.js';

export type Credentials =
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

export interface AdminClientOptions {
  readonly server: string;
  readonly credentials: Credentials;
  /** PEM files of CAs to trust (e.g. the `--tls-dev` CA). */
  readonly caFiles: readonly string[];
}

// Error bodies are small; a bound keeps a wrong URL (a big HTML page) from filling memory.
const MAX_BODY = 4 * 1024 * 1024;

function authorization(credentials: Credentials): string {
  if (credentials.kind === 'bearer') return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

function serverMessage(body: unknown): string | undefined {
  if (
    body === null ||
    typeof body !== 'object' ||
    !('errors' in body) ||
    !Array.isArray(body.errors)
  )
    return undefined;
  const first: unknown = body.errors[0];
  if (
    first === null ||
    typeof first !== 'object' ||
    !('message' in first) ||
    typeof first.message !== 'string'
  )
    return undefined;
  const code =
    'code' in first && typeof first.code === 'string' ? ` (${first.code.slice(0, 40)})` : '';
  return `${first.message.slice(0, 500)}${code}`;
}

/** A JSON client for `/api/v1` of a running `lockyard server`. */
export class AdminClient {
  readonly #base: URL;
  readonly #authorization: string;
  readonly #ca: readonly string[];
  #dispatcher: Dispatcher | undefined;

  constructor(options: AdminClientOptions) {
    this.#base = new URL('/api/v1/', options.server);
    this.#authorization = authorization(options.credentials);
    const ca = options.caFiles.map((file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch (error) {
        throw new AdminClientError(
          'INVALID_ARGUMENT',
          `cannot read --ca-file ${file}: ${describeCause(error)}`,
        );
      }
    });
    this.#ca = ca;
  }

  get server(): string {
    return this.#base.origin;
  }

  async call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const url = new URL(path, this.#base);
    // undici loads on first use: defining the CLI should not pay for an HTTP client.
    const { Agent, request } = await import('undici');
    if (this.#dispatcher === undefined) {
      const ca = await caCertificates(this.#ca);
      if (ca) this.#dispatcher = new Agent({ connect: { ca } });
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method,
        headers: {
          authorization: this.#authorization,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}),
      });
    } catch (error) {
      throw new AdminClientError(
        'UNREACHABLE',
        `cannot reach ${this.#base.origin}: ${describeCause(error)}`,
      );
    }
    const text = await this.#read(response);
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new AdminClientError(
        'BAD_RESPONSE',
        `${method} ${url.pathname} on ${this.#base.origin} answered HTTP ${response.statusCode} with a body that is not JSON: is this a Lockyard server?`,
      );
    }
    if (response.statusCode >= 400) {
      const message = serverMessage(parsed) ?? `HTTP ${response.statusCode}`;
      throw new AdminClientError(
        'SERVER_REFUSED',
        `${this.#base.origin} refused ${method} ${decodeURIComponent(url.pathname)}: ${message}`,
      );
    }
    return parsed;
  }

  async #read(response: Dispatcher.ResponseData): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buffer.length;
      if (size > MAX_BODY) {
        response.body.destroy();
        throw new AdminClientError(
          'BAD_RESPONSE',
          `the answer of ${this.#base.origin} is larger than ${MAX_BODY} bytes`,
        );
      }
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  close(): Promise<void> {
    return this.#dispatcher ? this.#dispatcher.close() : Promise.resolve();
  }
}

/** A path segment, percent-encoded (robot names hold `$` and `+`). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
