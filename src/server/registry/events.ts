import { EventEmitter } from 'node:events';

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
}

/** A typed emitter of `event`; listeners run after the response is decided and must not throw. */
export class RegistryEvents extends EventEmitter<{ event: [RegistryEvent] }> {
  /** Emits only when someone listens, so the pull hot path pays nothing by default. */
  publish(event: RegistryEvent | (() => RegistryEvent)): void {
    if (this.listenerCount('event') === 0) return;
    this.emit('event', typeof event === 'function' ? event() : event);
  }
}
