import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';

/** Who made the request behind an event, and from where (for the audit log). */
export interface RequestOrigin {
  readonly address: string | undefined;
  /** The subject the access decision named; undefined for anonymous callers. */
  readonly subject: string | undefined;
}

/** Something that happened to registry content: what scan-on-push and the audit log hook into. */
export interface RegistryEvent {
  readonly action: 'push' | 'pull' | 'delete' | 'mount';
  readonly target: 'manifest' | 'blob' | 'tag';
  readonly repository: string;
  readonly digest?: string;
  readonly tag?: string;
  readonly mediaType?: string;
  readonly size?: number;
  readonly subject?: string;
  readonly origin?: RequestOrigin;
  /** Set on a pull the pull gate refused: the reason it gave. */
  readonly denied?: string;
  /**
   * Set on a push or delete the registry refused after access was granted (a missing blob, an
   * invalid manifest, an immutable tag, nothing to delete): the spec code and the one-line
   * message the client got, which names content, never credentials.
   */
  readonly refused?: { readonly code?: string; readonly reason: string };
}

const subjects = new WeakMap<IncomingMessage, string>();

/** Remembers whom the access decision named for this request, for the events it publishes. */
export function rememberSubject(request: IncomingMessage, subject: string | undefined): void {
  if (subject !== undefined) subjects.set(request, subject);
}

export function originOf(request: IncomingMessage): RequestOrigin {
  return { address: request.socket.remoteAddress, subject: subjects.get(request) };
}

/**
 * A typed emitter; listeners run after the response is decided and must not throw. `event` is
 * what happened to content (scan on push and webhooks act on it); `refusal` is a push or delete
 * the registry refused (it carries `refused`), on its own channel so that no consumer of
 * `event` mistakes a refused push for a push. The audit log listens to both.
 */
export class RegistryEvents extends EventEmitter<{
  event: [RegistryEvent];
  refusal: [RegistryEvent];
}> {
  /** Emits only when someone listens, so the pull hot path pays nothing by default. */
  publish(event: RegistryEvent | (() => RegistryEvent)): void {
    if (this.listenerCount('event') === 0) return;
    this.emit('event', typeof event === 'function' ? event() : event);
  }

  publishRefusal(event: () => RegistryEvent): void {
    if (this.listenerCount('refusal') === 0) return;
    this.emit('refusal', event());
  }
}
