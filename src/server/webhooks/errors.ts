import { LockyardError } from '../../errors/index.js';

export type WebhookErrorCode = 'STORE_INVALID';

export class WebhookError extends LockyardError<WebhookErrorCode> {}
