export { WebhookService, type WebhookInput } from './webhook-service.js';
export { webhooksConfigSchema, type WebhooksConfig } from './config.js';
export { registerWebhookRoutes } from './webhook-routes.js';
export { signPayload, verifySignature, newSecret } from './signature.js';
export { backoffMs, type DeliveryOptions } from './deliverer.js';
export type { WebhookPayload } from './payloads.js';
export type { Webhook, Delivery, WebhookEventType } from './webhook-store.js';
