/** A project role, lowest to highest. What each may do is decided in `src/server/identity/roles.ts`. */
export type ProjectRole = 'guest' | 'developer' | 'maintainer' | 'project-admin';

export const PROJECT_ROLES: readonly ProjectRole[] = [
  'guest',
  'developer',
  'maintainer',
  'project-admin',
];

/** What a robot account may be granted on its project's repositories. */
export type RobotAction = 'pull' | 'push' | 'delete';

export const ROBOT_ACTIONS: readonly RobotAction[] = ['pull', 'push', 'delete'];

export interface UserRecord {
  readonly name: string;
  /** A self-describing KDF string (`$scrypt$ln=…,r=…,p=…$salt$hash`); never leaves the server. */
  readonly passwordHash: string;
  readonly admin: boolean;
  /** Bumped on every password change: tokens and cached logins of an older version stop working. */
  readonly credentialVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface ProjectRecord {
  readonly name: string;
  readonly anonymousPull: boolean;
  readonly createdAt: number;
  readonly createdBy: string;
}

export interface MemberRecord {
  readonly project: string;
  readonly user: string;
  readonly role: ProjectRole;
  readonly createdAt: number;
}

export interface RobotRecord {
  /** The full account name, e.g. `robot$team+ci`. */
  readonly name: string;
  readonly project: string;
  readonly description: string;
  readonly actions: readonly RobotAction[];
  /** SHA-256 of the secret (hex); the secret itself is shown once and never stored. */
  readonly secretHash: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly expiresAt: number | undefined;
  readonly revokedAt: number | undefined;
}

/** All projects, present and future, in a system robot's grant (Harbor's `namespace: "*"`). */
export const ALL_PROJECTS = '*';

/** What a system robot may do in one project (or `*`: every project). */
export interface RobotGrant {
  readonly project: string;
  readonly actions: readonly RobotAction[];
}

/**
 * A system robot (`robot$<name>`, Harbor's system-level robot account): created by a system
 * admin, with grants in several projects instead of one project.
 */
export interface SystemRobotRecord {
  readonly name: string;
  readonly description: string;
  /** One entry per project (at most one `*`), sorted by project. */
  readonly grants: readonly RobotGrant[];
  readonly secretHash: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly expiresAt: number | undefined;
  readonly revokedAt: number | undefined;
}

export interface TagRuleRecord {
  readonly id: number;
  readonly project: string;
  readonly pattern: string;
  readonly createdAt: number;
  readonly createdBy: string;
}

export type NewUser = Omit<UserRecord, 'credentialVersion' | 'updatedAt'>;
export type NewRobot = Omit<RobotRecord, 'revokedAt'>;
export type NewSystemRobot = Omit<SystemRobotRecord, 'revokedAt'>;
export type NewTagRule = Omit<TagRuleRecord, 'id'>;

/** Outcomes a caller must handle; unexpected failures throw `IdentityStoreError`. */
export type CreateResult<T> =
  | { readonly ok: true; readonly record: T }
  | { readonly ok: false; readonly reason: 'exists' | 'project-unknown' };
export type RemoveUserResult = 'removed' | 'not-found' | 'last-admin';
export type SetMemberResult =
  | { readonly ok: true; readonly record: MemberRecord }
  | { readonly ok: false; readonly reason: 'project-unknown' | 'user-unknown' };

/**
 * Users, projects, memberships, robot accounts (project and system) and immutable-tag rules. Async so that a
 * PostgreSQL backend can implement it; every write is one transaction. Names are validated by
 * the caller (the identity service) before they reach a store.
 */
export interface IdentityStore {
  createUser(user: NewUser): Promise<CreateResult<UserRecord>>;
  getUser(name: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<readonly UserRecord[]>;
  /** Replaces the hash and bumps `credentialVersion`; undefined when the user does not exist. */
  setPassword(name: string, passwordHash: string, at: number): Promise<UserRecord | undefined>;
  /** Refuses ('last-admin') to take the admin role from the only admin left. */
  setAdmin(
    name: string,
    admin: boolean,
    at: number,
  ): Promise<UserRecord | 'not-found' | 'last-admin'>;
  /** Removes the user and their memberships; refuses to remove the only admin left. */
  removeUser(name: string): Promise<RemoveUserResult>;

  createProject(project: ProjectRecord): Promise<CreateResult<ProjectRecord>>;
  getProject(name: string): Promise<ProjectRecord | undefined>;
  listProjects(): Promise<readonly ProjectRecord[]>;
  setAnonymousPull(name: string, anonymousPull: boolean): Promise<ProjectRecord | undefined>;
  /** Removes the project with its memberships, robots and tag rules. */
  removeProject(name: string): Promise<boolean>;

  /** Adds the user to the project or changes their role. */
  setMember(project: string, user: string, role: ProjectRole, at: number): Promise<SetMemberResult>;
  getMember(project: string, user: string): Promise<MemberRecord | undefined>;
  listMembers(project: string): Promise<readonly MemberRecord[]>;
  listMemberships(user: string): Promise<readonly MemberRecord[]>;
  removeMember(project: string, user: string): Promise<boolean>;

  createRobot(robot: NewRobot): Promise<CreateResult<RobotRecord>>;
  getRobot(name: string): Promise<RobotRecord | undefined>;
  listRobots(project: string): Promise<readonly RobotRecord[]>;
  /** Marks the robot revoked (the record stays for the audit trail); undefined when unknown. */
  revokeRobot(name: string, at: number): Promise<RobotRecord | undefined>;

  /**
   * Creates a system robot with its grants in one transaction; 'project-unknown' when a granted
   * project (other than `*`) does not exist. Removing a project drops its grants.
   */
  createSystemRobot(robot: NewSystemRobot): Promise<CreateResult<SystemRobotRecord>>;
  getSystemRobot(name: string): Promise<SystemRobotRecord | undefined>;
  listSystemRobots(): Promise<readonly SystemRobotRecord[]>;
  /** Marks the system robot revoked (the record stays); undefined when unknown. */
  revokeSystemRobot(name: string, at: number): Promise<SystemRobotRecord | undefined>;

  addTagRule(rule: NewTagRule): Promise<CreateResult<TagRuleRecord>>;
  listTagRules(project: string): Promise<readonly TagRuleRecord[]>;
  removeTagRule(project: string, id: number): Promise<boolean>;

  close(): void;
}
