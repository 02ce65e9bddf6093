import type { ScanCompleted } from '../scanning/index.js';
import type { RegistryEvent } from '../registry/index.js';
import type { WebhookEventType } from './webhook-store.js';

/** The JSON body of a delivery, before the delivery's own id is known. */
export interface WebhookPayload {
  /** The event's id: the same in every delivery (and redelivery) of this event. */
  readonly id: string;
  readonly event: WebhookEventType | 'ping';
  readonly occurredAt: string;
  readonly project: string;
  readonly repository: string | undefined;
  readonly actor: string | undefined;
  readonly target:
    | {
        readonly mediaType?: string | undefined;
        readonly digest?: string | undefined;
        readonly tag?: string | undefined;
        readonly size?: number | undefined;
      }
    | undefined;
  readonly scan?: Omit<ScanCompleted, 'repositories' | 'digest'> | undefined;
}

/** Push and delete events of manifests and tags; blob events are not sent. */
export function registryPayloadFields(
  event: RegistryEvent,
): Pick<WebhookPayload, 'event' | 'repository' | 'actor' | 'target'> | undefined {
  if (event.target === 'blob') return undefined;
  if (event.action === 'push' && event.target === 'manifest' && event.denied === undefined) {
    return {
      event: 'push',
      repository: event.repository,
      actor: event.origin?.subject,
      target: {
        mediaType: event.mediaType,
        digest: event.digest,
        tag: event.tag,
        size: event.size,
      },
    };
  }
  if (event.action === 'delete') {
    return {
      event: 'delete',
      repository: event.repository,
      actor: event.origin?.subject,
      target: { digest: event.digest, tag: event.tag },
    };
  }
  return undefined;
}

export function scanPayloadFields(
  scan: ScanCompleted,
  repository: string,
): Pick<WebhookPayload, 'event' | 'repository' | 'actor' | 'target' | 'scan'> {
  const { status, trigger, counts, worst, added, removed, error } = scan;
  return {
    event: 'scan',
    repository,
    actor: undefined,
    target: { digest: scan.digest },
    scan: { status, trigger, counts, worst, added, removed, error },
  };
}
