import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { describeCause } from '../../errors/index.js';
import type { RegistryEvents } from '../registry/index.js';
import { projectOf, type ScanCompleted } from '../scanning/index.js';
import type { EventEmitter } from 'node:events';
import type { WebhooksConfig } from './config.js';
import { Deliverer, type WebhookFetch } from './deliverer.js';
import { registryPayloadFields, scanPayloadFields, type WebhookPayload } from './payloads.js';
import { newSecret } from './signature.js';
import {
  WebhookStore,
  type Delivery,
  type Webhook,
  type WebhookEventType,
} from './webhook-store.js';

export interface WebhookInput {
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly secret?: string | undefined;
  readonly enabled: boolean;
}

/**
 * Per-project webhooks on push, delete and scan completion. An event becomes one stored delivery
 * per subscribed webhook (so nothing is lost between the event and the send, even across a
 * restart); the Deliverer sends them, signed, with retries.
 */
export class WebhookService {
  readonly store: WebhookStore;
  readonly deliverer: Deliverer;
  readonly #logger: Logger;
  // Webhooks by project, in memory: a push to a project without any costs one map lookup.
  readonly #byProject = new Map<string, Webhook[]>();

  constructor(options: {
    dataDir: string;
    config: WebhooksConfig;
    logger: Logger;
    fetch?: WebhookFetch;
  }) {
    this.#logger = options.logger;
    this.store = new WebhookStore(join(options.dataDir, 'webhooks', 'webhooks.db'));
    this.deliverer = new Deliverer(this.store, options.config, options.logger, options.fetch);
  }

  #hooks(project: string): Webhook[] {
    let hooks = this.#byProject.get(project);
    if (!hooks) {
      hooks = this.store.list(project);
      this.#byProject.set(project, hooks);
    }
    return hooks;
  }

  listen(
    registry: RegistryEvents,
    scans: EventEmitter<{ completed: [ScanCompleted] }> | undefined,
  ): void {
    registry.on('event', (event) => {
      const fields = registryPayloadFields(event);
      if (fields) this.#guarded(() => this.dispatch(projectOf(event.repository), fields));
    });
    scans?.on('completed', (scan) => {
      // Signatures, SBOM attestations and other artifacts are not scanned: nothing to tell.
      if (scan.status === 'unsupported') return;
      for (const repository of scan.repositories)
        this.#guarded(() =>
          this.dispatch(projectOf(repository), scanPayloadFields(scan, repository)),
        );
    });
    this.deliverer.kick();
  }

  // A listener must not throw into the registry's request (the push already succeeded).
  #guarded(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#logger.error({ reason: describeCause(error) }, 'webhook event not queued');
    }
  }

  /** Queues one delivery of an event to every enabled webhook of `project` that subscribes to it. */
  dispatch(
    project: string,
    fields: Pick<WebhookPayload, 'event' | 'repository' | 'actor' | 'target' | 'scan'>,
    only?: Webhook,
  ): number {
    const hooks = only
      ? [only]
      : this.#hooks(project).filter(
          (hook) => hook.enabled && fields.event !== 'ping' && hook.events.includes(fields.event),
        );
    if (hooks.length === 0) return 0;
    const now = Date.now();
    const payload: WebhookPayload = {
      id: randomUUID(),
      event: fields.event,
      occurredAt: new Date(now).toISOString(),
      project,
      repository: fields.repository,
      actor: fields.actor,
      target: fields.target,
      scan: fields.scan,
    };
    const body = JSON.stringify(payload);
    for (const hook of hooks)
      this.store.addDelivery({
        id: randomUUID(),
        webhookId: hook.id,
        event: fields.event,
        payload: body,
        createdAt: now,
      });
    this.deliverer.kick();
    return hooks.length;
  }

  create(project: string, input: WebhookInput, actor: string): { hook: Webhook; secret: string } {
    const secret = input.secret ?? newSecret();
    const hook: Webhook = {
      id: randomUUID(),
      project,
      url: input.url,
      secret,
      events: input.events,
      enabled: input.enabled,
      createdAt: Date.now(),
      createdBy: actor,
    };
    this.store.create(hook);
    this.#byProject.delete(project);
    return { hook, secret };
  }

  update(
    hook: Webhook,
    change: { readonly [K in keyof WebhookInput]?: WebhookInput[K] | undefined },
  ): Webhook {
    const next: Webhook = {
      ...hook,
      ...(change.url === undefined ? {} : { url: change.url }),
      ...(change.events === undefined ? {} : { events: change.events }),
      ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
      ...(change.secret === undefined ? {} : { secret: change.secret }),
    };
    this.store.update(next);
    this.#byProject.delete(hook.project);
    return next;
  }

  delete(hook: Webhook): void {
    this.store.delete(hook.id);
    this.#byProject.delete(hook.project);
  }

  /** Sends a `ping` event to one webhook (to check its URL and secret). */
  ping(hook: Webhook): void {
    this.dispatch(
      hook.project,
      { event: 'ping', repository: undefined, actor: undefined, target: undefined },
      hook,
    );
  }

  /** Queues the same event body again as a new delivery. */
  redeliver(delivery: Delivery): string {
    const id = randomUUID();
    this.store.addDelivery({
      id,
      webhookId: delivery.webhookId,
      event: delivery.event,
      payload: delivery.payload,
      createdAt: Date.now(),
    });
    this.deliverer.kick();
    return id;
  }

  async close(): Promise<void> {
    await this.deliverer.close();
    this.store.close();
  }
}
