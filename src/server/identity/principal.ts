import type { RobotGrant } from '../../store/index.js';

/** Who is making a request, once their credentials or token have been checked. */
export type Principal =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'user';
      readonly name: string;
      readonly admin: boolean;
      readonly credentialVersion: number;
    }
  | {
      readonly kind: 'robot';
      readonly name: string;
      /** The project of a project robot; undefined for a system robot (`robot$<name>`). */
      readonly project: string | undefined;
      /** What it may do where: one grant for a project robot, several (or `*`) for a system robot. */
      readonly grants: readonly RobotGrant[];
    };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** The name an audit event or log line uses for a principal. */
export function actorName(principal: Principal): string {
  return principal.kind === 'anonymous' ? 'anonymous' : principal.name;
}

export function isSystemAdmin(principal: Principal): boolean {
  return principal.kind === 'user' && principal.admin;
}
