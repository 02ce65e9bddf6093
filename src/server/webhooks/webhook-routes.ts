import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { AuditEvent } from '../../audit/index.js';
import { ScanningError, type ApiAccess } from '../scanning/index.js';
import {
  WEBHOOK_EVENT_TYPES,
  type Delivery,
  type Webhook,
  type WebhookEventType,
} from './webhook-store.js';
import type { WebhookService } from './webhook-service.js';

const PROJECT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

const urlSchema = z
  .string()
  .max(2048)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        url.username === '' &&
        url.password === ''
      );
    } catch {
      return false;
    }
  }, 'expected an http or https URL without user name or password');

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES as [WebhookEventType, ...WebhookEventType[]]))
  .min(1)
  .max(3);
const secretSchema = z.string().min(16, 'at least 16 characters').max(256);

const createSchema = z
  .object({
    url: urlSchema,
    events: eventsSchema.optional(),
    secret: secretSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
const updateSchema = z
  .object({
    url: urlSchema.optional(),
    events: eventsSchema.optional(),
    secret: secretSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const keys =
    issue && 'keys' in issue && Array.isArray(issue.keys) ? issue.keys.join(', ') : undefined;
  throw new ScanningError(
    'INVALID_REQUEST',
    `${what}: ${keys ?? (issue?.path.join('.') || 'body')}: ${keys ? 'unknown field' : (issue?.message ?? 'invalid')}`,
  );
}

/** A webhook as the API shows it: never its secret. */
function view(hook: Webhook) {
  return {
    id: hook.id,
    project: hook.project,
    url: hook.url,
    events: hook.events,
    enabled: hook.enabled,
    createdAt: new Date(hook.createdAt).toISOString(),
    createdBy: hook.createdBy,
  };
}

function deliveryView(service: WebhookService, delivery: Delivery, withAttempts: boolean) {
  const iso = (ms: number | undefined): string | undefined =>
    ms === undefined ? undefined : new Date(ms).toISOString();
  return {
    id: delivery.id,
    event: delivery.event,
    state: delivery.state,
    attempts: delivery.attempts,
    lastStatus: delivery.lastStatus,
    lastError: delivery.lastError,
    createdAt: iso(delivery.createdAt),
    nextAttemptAt: iso(delivery.nextAttemptAt),
    deliveredAt: iso(delivery.deliveredAt),
    ...(withAttempts
      ? {
          attemptLog: service.store.attempts(delivery.id).map((a) => ({ ...a, at: iso(a.at) })),
          payload: JSON.parse(delivery.payload) as unknown,
        }
      : {}),
  };
}

type Params = Record<string, string | undefined>;

/** `/api/v1/projects/{project}/webhooks…`: create, list, change, delete, ping; the delivery log; redelivery. */
export function registerWebhookRoutes(
  app: FastifyInstance,
  service: WebhookService,
  access: ApiAccess,
  audit: (event: AuditEvent) => void,
): void {
  async function admin(
    request: FastifyRequest,
  ): Promise<{ project: string; actor: string; address: string | undefined }> {
    const project = (request.params as Params)['project'] ?? '';
    if (!PROJECT.test(project))
      throw new ScanningError(
        'INVALID_REQUEST',
        `"${project.slice(0, 100)}" is not a project name`,
      );
    const caller = await access.authorize(request, { kind: 'project-admin', project });
    return { project, ...caller };
  }

  function hookOf(request: FastifyRequest, project: string): Webhook {
    const id = (request.params as Params)['id'] ?? '';
    const hook = service.store.get(id);
    if (!hook || hook.project !== project)
      throw new ScanningError('NOT_FOUND', `project ${project} has no webhook ${id.slice(0, 64)}`);
    return hook;
  }

  const record = (
    caller: { actor: string; address: string | undefined },
    action: string,
    project: string,
    target: string,
    details?: AuditEvent['details'],
  ): void => {
    audit({
      actor: caller.actor,
      action,
      targetType: 'webhook',
      repository: undefined,
      target: `${project}/${target}`,
      address: caller.address,
      result: 'success',
      details,
    });
  };

  app.get('/projects/:project/webhooks', async (request) => {
    const { project } = await admin(request);
    return { webhooks: service.store.list(project).map(view) };
  });

  app.post('/projects/:project/webhooks', async (request, reply) => {
    const caller = await admin(request);
    const input = parseBody(createSchema, request.body, 'webhook');
    const { hook, secret } = service.create(
      caller.project,
      {
        url: input.url,
        events: input.events ?? WEBHOOK_EVENT_TYPES,
        secret: input.secret,
        enabled: input.enabled ?? true,
      },
      caller.actor,
    );
    record(caller, 'webhook.create', caller.project, hook.id, {
      url: new URL(hook.url).host,
      events: hook.events.join(','),
    });
    // The secret is shown once, here; it is needed to check signatures and cannot be read back.
    return reply.code(201).send({ ...view(hook), secret });
  });

  app.get('/projects/:project/webhooks/:id', async (request) => {
    const { project } = await admin(request);
    return view(hookOf(request, project));
  });

  app.patch('/projects/:project/webhooks/:id', async (request) => {
    const caller = await admin(request);
    const hook = hookOf(request, caller.project);
    const change = parseBody(updateSchema, request.body, 'webhook');
    const next = service.update(hook, change);
    record(caller, 'webhook.update', caller.project, hook.id, {
      fields: Object.keys(change).sort().join(','),
    });
    return view(next);
  });

  app.delete('/projects/:project/webhooks/:id', async (request, reply) => {
    const caller = await admin(request);
    const hook = hookOf(request, caller.project);
    service.delete(hook);
    record(caller, 'webhook.delete', caller.project, hook.id);
    return reply.code(204).send();
  });

  app.post('/projects/:project/webhooks/:id/ping', async (request, reply) => {
    const caller = await admin(request);
    service.ping(hookOf(request, caller.project));
    return reply.code(202).send({ queued: true });
  });

  app.get('/projects/:project/webhooks/:id/deliveries', async (request) => {
    const { project } = await admin(request);
    const hook = hookOf(request, project);
    const limitText = (request.query as Params)['limit'];
    const limit = limitText === undefined ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new ScanningError('INVALID_REQUEST', 'limit: expected a whole number from 1 to 500');
    return {
      deliveries: service.store
        .deliveries(hook.id, limit)
        .map((delivery) => deliveryView(service, delivery, true)),
    };
  });

  app.post(
    '/projects/:project/webhooks/:id/deliveries/:delivery/redeliver',
    async (request, reply) => {
      const caller = await admin(request);
      const hook = hookOf(request, caller.project);
      const deliveryId = (request.params as Params)['delivery'] ?? '';
      const delivery = service.store.getDelivery(deliveryId);
      if (!delivery || delivery.webhookId !== hook.id)
        throw new ScanningError(
          'NOT_FOUND',
          `webhook ${hook.id} has no delivery ${deliveryId.slice(0, 64)}`,
        );
      const id = service.redeliver(delivery);
      record(caller, 'webhook.redeliver', caller.project, hook.id, { delivery: delivery.id });
      return reply.code(202).send({ id });
    },
  );
}
