import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { caCertificates } from '../../../trust/index.js';
import { ImageError } from '../../errors.js';
import { printable } from '../../printable.js';
import type { RegistryOptions } from './options.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Dispatcher.ResponseData['body'];
  /** Where the answer finally came from (after redirects). */
  readonly url: URL;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A request body. A stream is given as a function that opens it, so the same bytes can be sent
 * again after an auth challenge, a redirect or a retry without holding them in memory.
 */
export type RequestBody = string | Uint8Array | (() => Readable);

export interface SendOptions {
  readonly method?: HttpMethod;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent only to the origin of `url`: dropped when a redirect leads elsewhere. */
  readonly authorization?: string | undefined;
  readonly body?: RequestBody;
  /**
   * Whether a failed attempt may be sent again. Default: GET, HEAD, PUT and DELETE (idempotent
   * in RFC 9110 §9.2.2); POST and PATCH never, since a registry may have acted on the first.
   */
  readonly idempotent?: boolean;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
// Errors worth another try: the connection broke, not "nobody is there".
const RETRY_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'EAI_AGAIN',
]);
const MAX_REDIRECTS = 5;
const MAX_RETRY_AFTER_MS = 60_000;

export function header(response: Pick<HttpResponse, 'headers'>, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    current = current.cause;
  }
  return undefined;
}

/** Our own error inside a transport error: a request body that failed (a file changed while read) says why itself. */
function typedCause(error: unknown): ImageError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current instanceof ImageError) return current;
    current = current.cause;
  }
  return undefined;
}

/** Seconds or an HTTP date, as RFC 9110 allows; capped so a hostile server cannot park us. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * The HTTP layer of the registry client: one connection pool (with extra CAs and the proxy
 * environment), manual redirects so credentials never follow a redirect to another origin, and
 * retries with exponential backoff for idempotent requests that hit 429, 5xx or a broken
 * connection.
 */
type Transport = {
  readonly dispatcher: Dispatcher;
  readonly request: typeof import('undici').request;
};

export class RegistryHttp {
  private readonly makeTransport: () => Promise<Transport>;
  private transport: Promise<Transport> | undefined;
  private readonly insecureHosts: ReadonlySet<string>;
  private readonly attempts: number;
  private readonly baseDelayMs: number;

  constructor(options: RegistryOptions) {
    const extraCa = options.caCertificates ?? [];
    const env = process.env;
    const proxied = Boolean(
      env['HTTPS_PROXY'] ?? env['https_proxy'] ?? env['HTTP_PROXY'] ?? env['http_proxy'],
    );
    // undici (and TLS) load on the first request: an image on disk should not pay for them.
    this.makeTransport = async () => {
      const [{ Agent, EnvHttpProxyAgent, request }, ca] = await Promise.all([
        import('undici'),
        caCertificates(extraCa),
      ]);
      const common = {
        headersTimeout: 60_000,
        bodyTimeout: 120_000,
        connect: { timeout: 30_000, ...(ca ? { ca } : {}) },
      };
      const dispatcher = proxied
        ? new EnvHttpProxyAgent({ ...common, ...(ca ? { requestTls: { ca } } : {}) })
        : new Agent(common);
      return { dispatcher, request };
    };
    this.insecureHosts = new Set(options.insecureHosts ?? []);
    this.attempts = 1 + (options.retries?.attempts ?? 4);
    this.baseDelayMs = options.retries?.baseDelayMs ?? 250;
  }

  /** Whether plain HTTP is allowed for a `host[:port]` (only where the user said so). */
  isInsecure(host: string): boolean {
    return this.insecureHosts.has(host);
  }

  /** Whether a URL's host shares a host name with an insecure registry (for token realms). */
  isInsecureHostname(hostname: string): boolean {
    for (const host of this.insecureHosts) {
      if (new URL(`http://${host}`).hostname === hostname) return true;
    }
    return false;
  }

  async send(url: URL, options: SendOptions = {}): Promise<HttpResponse> {
    const method = options.method ?? 'GET';
    const idempotent = options.idempotent ?? (method !== 'POST' && method !== 'PATCH');
    for (let attempt = 1; ; attempt += 1) {
      const last = !idempotent || attempt >= this.attempts;
      let response: HttpResponse;
      try {
        response = await this.follow(url, options, method);
      } catch (error) {
        if (typedCause(error) || last || !RETRY_CODES.has(errorCode(error) ?? ''))
          throw this.networkError(url, error);
        await sleep(this.backoff(attempt));
        continue;
      }
      if (!RETRY_STATUS.has(response.status) || last) return response;
      const wait = retryAfterMs(header(response, 'retry-after')) ?? this.backoff(attempt);
      await response.body.dump();
      await sleep(wait);
    }
  }

  private backoff(attempt: number): number {
    return this.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2);
  }

  private async follow(
    start: URL,
    options: SendOptions,
    firstMethod: HttpMethod,
  ): Promise<HttpResponse> {
    let url = start;
    let method = firstMethod;
    let body = options.body;
    let headers: Record<string, string> = { 'user-agent': 'lockyard', ...options.headers };
    const { dispatcher, request } = await (this.transport ??= this.makeTransport());
    for (let hops = 0; hops <= MAX_REDIRECTS; hops += 1) {
      const sent = { ...headers };
      if (options.authorization && url.origin === start.origin)
        sent['authorization'] = options.authorization;
      const response = await request(url, {
        method,
        headers: sent,
        dispatcher,
        ...(body === undefined ? {} : { body: typeof body === 'function' ? body() : body }),
      });
      const location = header(response, 'location');
      if (
        response.statusCode < 300 ||
        response.statusCode >= 400 ||
        response.statusCode === 304 ||
        !location
      ) {
        return { status: response.statusCode, headers: response.headers, body: response.body, url };
      }
      await response.body.dump();
      // 307 and 308 repeat the request as it was; the older codes turn a request with a body into a GET.
      if (
        response.statusCode !== 307 &&
        response.statusCode !== 308 &&
        method !== 'GET' &&
        method !== 'HEAD'
      ) {
        method = 'GET';
        body = undefined;
        headers = Object.fromEntries(
          Object.entries(headers).filter(([name]) => !/^content-/i.test(name)),
        );
      }
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new ImageError(
          'REGISTRY_ERROR',
          `${url.host}: redirect to an unsupported URL scheme "${printable(next.protocol)}"`,
        );
      }
      if (
        url.protocol === 'https:' &&
        next.protocol === 'http:' &&
        !this.isInsecureHostname(next.hostname)
      ) {
        throw new ImageError(
          'REGISTRY_ERROR',
          `${url.host}: refusing a redirect from HTTPS to plain HTTP (${next.host})`,
        );
      }
      url = next;
    }
    throw new ImageError('REGISTRY_ERROR', `${start.host}: more than ${MAX_REDIRECTS} redirects`);
  }

  private networkError(url: URL, error: unknown): ImageError {
    const typed = typedCause(error);
    if (typed) return typed;
    const code = errorCode(error) ?? '';
    const message = error instanceof Error ? error.message : String(error);
    let hint = '';
    if (/certificate|CERT|SELF_SIGNED/i.test(`${code} ${message}`)) {
      hint = '; the TLS certificate is not trusted: pass --ca-file with its CA';
    } else if (/wrong version number|EPROTO|packet length too long/i.test(`${code} ${message}`)) {
      hint = '; the server does not speak TLS: if it is a plain-HTTP registry, pass --insecure';
    }
    return new ImageError(
      'REGISTRY_ERROR',
      `cannot reach ${url.host}: ${printable(code || message, 160)}${hint}`,
      {
        cause: error,
        // `network` marks a transport failure: an upload may resume or restart after one.
        details: { host: url.host, network: true },
      },
    );
  }

  async close(): Promise<void> {
    if (this.transport) await (await this.transport).dispatcher.close();
  }
}
