import type { AuditEvent } from '../../audit/index.js';
import type { IdentityEvent } from '../identity/index.js';
import type { RegistryEvent } from '../registry/index.js';

/**
 * A registry event as an audit event, or undefined for what is not audited: blob uploads, blob
 * pulls and mounts are parts of a push or pull that the manifest event already records.
 */
export function fromRegistryEvent(event: RegistryEvent): AuditEvent | undefined {
  const actor = event.origin?.subject ?? 'anonymous';
  const address = event.origin?.address;
  // A push or delete the registry refused (missing blobs, immutable tag, nothing to delete):
  // recorded as a failure with the spec code and the message the client got.
  const refused = event.refused
    ? { result: 'failure' as const, reason: event.refused.reason, code: event.refused.code }
    : undefined;
  if (event.target === 'manifest' && (event.action === 'push' || event.action === 'pull')) {
    return {
      actor,
      action: event.action,
      targetType: 'manifest',
      repository: event.repository,
      // A refused push by tag may have no digest (the body was never valid): the tag names it.
      target: event.digest ?? event.tag,
      address,
      result: refused?.result ?? (event.denied === undefined ? 'success' : 'denied'),
      details: {
        tag: event.tag,
        mediaType: event.mediaType,
        reason: refused?.reason ?? event.denied,
        code: refused?.code,
      },
      // Pulls come by the thousand per second: identical ones in one flush share a record with a count.
      coalesce: event.action === 'pull',
    };
  }
  if (event.action !== 'delete') return undefined;
  return {
    actor,
    action: 'delete',
    targetType: event.target,
    repository: event.repository,
    target: event.target === 'tag' ? event.tag : event.digest,
    address,
    result: refused?.result ?? 'success',
    ...(refused ? { details: { reason: refused.reason, code: refused.code } } : {}),
  };
}

const TARGET_TYPES: Readonly<Record<string, string>> = {
  login: 'user',
  'token.issue': 'token',
  'registry.access': 'repository',
};

/**
 * An identity event (sign-ins, token requests, refused registry access, user/project/member/robot
 * and tag-rule administration) as an audit event. A failed `login` or `registry.access` is the
 * failed authentication the audit log must show; the event holds no secret by contract, and the
 * audit log scrubs anything credential-shaped again.
 */
export function fromIdentityEvent(event: IdentityEvent): AuditEvent {
  const dot = event.action.indexOf('.');
  const targetType =
    TARGET_TYPES[event.action] ?? (dot < 0 ? event.action : event.action.slice(0, dot));
  const repository =
    event.action === 'registry.access' && event.target !== 'registry' ? event.target : undefined;
  return {
    actor: event.actor,
    action: event.action,
    targetType,
    repository,
    target: event.target,
    address: event.source,
    result: event.result,
    time: event.time,
    details: { reason: event.reason },
  };
}
