import type { Logger } from 'pino';
import { describeCause } from '../../errors/index.js';
import { caCertificates } from '../../trust/index.js';
import { signPayload } from './signature.js';
import type { Delivery, DeliveryAttempt, DeliveryState, WebhookStore } from './webhook-store.js';

export interface DeliveryOptions {
  /** Attempts per delivery, the first included. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; each later one waits twice as long, up to `retryMaxMs`. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Per attempt: connect, send and the receiver's answer. */
  readonly timeoutMs: number;
  /** Deliveries in flight at once. */
  readonly concurrency: number;
}

/** What a delivery sends and reads of the answer: Node's fetch and undici's both serve it. */
interface WebhookRequest {
  readonly method: 'POST';
  readonly body: string;
  readonly redirect: 'manual';
  readonly signal: AbortSignal;
  readonly headers: Record<string, string>;
}
interface WebhookResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}
export type WebhookFetch = (url: string, init: WebhookRequest) => Promise<WebhookResponse>;

/** undici's fetch and an Agent trusting trust/'s CA list, or undefined where Node's fetch will do. */
let trustingTransport:
  | Promise<{ fetch: typeof import('undici').fetch; agent: import('undici').Agent } | undefined>
  | undefined;

async function makeTrustingTransport() {
  const ca = await caCertificates();
  if (!ca) return undefined;
  const undici = await import('undici');
  return { fetch: undici.fetch, agent: new undici.Agent({ connect: { ca } }) };
}

/**
 * Node's fetch, or undici's with the CA list of trust/ where Node's default store lacks what the
 * user trusts (`NODE_EXTRA_CA_CERTS`, deferred by the launcher): a receiver behind a private CA
 * is reached as by any other Node program. Decided once per process, not per delivery.
 */
const trustingFetch: WebhookFetch = async (url, init) => {
  const transport = await (trustingTransport ??= makeTrustingTransport());
  if (!transport) return fetch(url, init);
  return transport.fetch(url, { ...init, dispatcher: transport.agent });
};

/** The wait before attempt `attempt + 1`: exponential, capped, with up to 10% jitter so retries spread. */
export function backoffMs(
  attempt: number,
  options: Pick<DeliveryOptions, 'retryBaseMs' | 'retryMaxMs'>,
  random = Math.random,
): number {
  const base = Math.min(options.retryBaseMs * 2 ** Math.max(0, attempt - 1), options.retryMaxMs);
  return Math.round(base * (1 + random() * 0.1));
}

function retryAfterMs(value: string | null, maxMs: number): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Math.min(Number(value) * 1000, maxMs);
}

/** A transport failure in one line: the cause's code where undici gives one (ECONNREFUSED, timeout). */
function describeFailure(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    cause !== null && typeof cause === 'object' && 'code' in cause ? String(cause.code) : undefined;
  return code ?? describeCause(error);
}

/**
 * Sends pending deliveries: POST of the stored JSON body, signed with the webhook's secret.
 * A 2xx is delivered. A network error, a timeout, 408, 429 or any 5xx is retried with
 * exponential backoff (a `Retry-After` in seconds is honoured) until `maxAttempts`; any other
 * answer (the receiver refused it) fails at once. Every attempt is logged in the store, and
 * the schedule lives there too, so a restart resumes it. Redirects are not followed.
 */
export class Deliverer {
  readonly #store: WebhookStore;
  readonly #options: DeliveryOptions;
  readonly #logger: Logger;
  readonly #fetch: WebhookFetch;
  readonly #inFlight = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    store: WebhookStore,
    options: DeliveryOptions,
    logger: Logger,
    fetchImpl: WebhookFetch = trustingFetch,
  ) {
    this.#store = store;
    this.#options = options;
    this.#logger = logger;
    this.#fetch = fetchImpl;
  }

  kick(): void {
    if (this.#stopped) return;
    const free = this.#options.concurrency - this.#inFlight.size;
    if (free > 0) {
      for (const delivery of this.#store.due(Date.now(), free + this.#inFlight.size)) {
        if (this.#inFlight.has(delivery.id) || this.#inFlight.size >= this.#options.concurrency)
          continue;
        const run = this.#send(delivery).finally(() => {
          this.#inFlight.delete(delivery.id);
          this.kick();
        });
        this.#inFlight.set(delivery.id, run);
      }
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const due = this.#store.nextDue();
    if (due === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.kick();
      },
      Math.max(10, due - Date.now()),
    );
    this.#timer.unref();
  }

  async #send(delivery: Delivery): Promise<void> {
    const hook = this.#store.get(delivery.webhookId);
    const attempt = delivery.attempts + 1;
    const started = Date.now();
    if (!hook || !hook.enabled) {
      this.#store.recordAttempt(
        delivery.id,
        {
          attempt,
          at: started,
          status: undefined,
          error: hook ? 'webhook disabled' : 'webhook deleted',
          durationMs: 0,
        },
        { state: 'failed', nextAttemptAt: undefined },
      );
      return;
    }
    let status: number | undefined;
    let error: string | undefined;
    let retryAfter: number | undefined;
    try {
      const response = await this.#fetch(hook.url, {
        method: 'POST',
        body: delivery.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#options.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Lockyard-Webhook/1',
          'X-Lockyard-Event': delivery.event,
          'X-Lockyard-Delivery': delivery.id,
          'X-Lockyard-Signature': signPayload(hook.secret, delivery.payload),
        },
      });
      status = response.status;
      retryAfter = retryAfterMs(response.headers.get('retry-after'), this.#options.retryMaxMs);
      // The body is not needed; reading it frees the connection for reuse.
      await response.arrayBuffer().catch(() => undefined);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (caught) {
      error = describeFailure(caught);
    }
    const record: DeliveryAttempt = {
      attempt,
      at: started,
      status,
      error,
      durationMs: Date.now() - started,
    };
    const retryable =
      error !== undefined &&
      (status === undefined || status >= 500 || status === 429 || status === 408);
    let state: DeliveryState = error === undefined ? 'delivered' : 'failed';
    let nextAttemptAt: number | undefined;
    if (retryable && attempt < this.#options.maxAttempts) {
      state = 'pending';
      nextAttemptAt = Date.now() + (retryAfter ?? backoffMs(attempt, this.#options));
    }
    this.#store.recordAttempt(delivery.id, record, { state, nextAttemptAt });
    if (state !== 'delivered') {
      const host = new URL(hook.url).host;
      this.#logger.warn(
        {
          webhook: hook.id,
          host,
          delivery: delivery.id,
          attempt,
          status,
          reason: error,
          retryAt: nextAttemptAt,
        },
        'webhook delivery failed',
      );
    }
  }

  async close(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight.values()]);
  }
}
