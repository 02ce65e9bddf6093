import { EventEmitter } from 'node:events';

export type IdentityAction =
  | 'login'
  | 'token.issue'
  | 'registry.access'
  | 'user.read'
  | 'user.create'
  | 'user.update'
  | 'user.password'
  | 'user.delete'
  | 'project.read'
  | 'project.create'
  | 'project.update'
  | 'project.delete'
  | 'member.set'
  | 'member.remove'
  | 'robot.read'
  | 'robot.create'
  | 'robot.revoke'
  | 'tag-rule.create'
  | 'tag-rule.delete';

/**
 * What happened, for the audit log: who (`actor`: a user name, a robot account name, or
 * "anonymous"), did what, to what (`target`: a user, project, `project/member`, robot, rule id
 * or repository), with which result, from where (`source`: the peer address). `reason` is a
 * fixed phrase. No event ever holds a password, secret or token.
 */
export interface IdentityEvent {
  readonly time: number;
  readonly actor: string;
  readonly action: IdentityAction;
  readonly target: string;
  readonly result: 'success' | 'failure' | 'denied';
  readonly source: string | undefined;
  readonly reason?: string;
}

/** A typed emitter of `event`; listeners run synchronously and must not throw. */
export class IdentityEvents extends EventEmitter<{ event: [IdentityEvent] }> {
  publish(event: Omit<IdentityEvent, 'time'>): void {
    if (this.listenerCount('event') === 0) return;
    this.emit('event', { time: Date.now(), ...event });
  }
}
