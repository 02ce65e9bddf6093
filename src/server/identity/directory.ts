import type {
  IdentityStore,
  ProjectRecord,
  ProjectRole,
  TagRuleRecord,
  UserRecord,
} from '../../store/index.js';
import { parseRobotAccountName, tagPatternToRegExp } from './names.js';
import type { RobotAccount } from './robot-accounts.js';

export interface CompiledTagRule {
  readonly id: number;
  readonly pattern: string;
  readonly regex: RegExp;
}

// A cached "does not exist", so unknown names do not hit the store on every request.
const MISSING = null;
// Names looked up by strangers (a spray of unknown user names) must not grow memory without end.
const MAX_CACHED = 10_000;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_CACHED) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
  map.set(key, value);
}

/**
 * The identity data the request path reads, kept in memory in front of the store: all projects
 * and tag rules (few, read on every registry request), and users, robots and memberships as they
 * are looked up. Every change goes through the identity service, which updates or forgets the
 * entries it touched, so the view never serves stale data within this process. `peek*` answer
 * without awaiting (the registry's synchronous hot path) and return undefined when not cached.
 */
export class Directory {
  readonly #store: IdentityStore;
  readonly #projects = new Map<string, ProjectRecord>();
  readonly #rules = new Map<string, readonly CompiledTagRule[]>();
  readonly #users = new Map<string, UserRecord | typeof MISSING>();
  // Project robots and system robots: their names cannot collide (only the former hold "+").
  readonly #robots = new Map<string, RobotAccount | typeof MISSING>();
  readonly #roles = new Map<string, ReadonlyMap<string, ProjectRole>>();

  constructor(store: IdentityStore) {
    this.#store = store;
  }

  async load(): Promise<void> {
    this.#projects.clear();
    this.#rules.clear();
    for (const project of await this.#store.listProjects()) {
      this.#projects.set(project.name, project);
      this.setRules(project.name, await this.#store.listTagRules(project.name));
    }
  }

  project(name: string): ProjectRecord | undefined {
    return this.#projects.get(name);
  }

  projectNames(): readonly string[] {
    return [...this.#projects.keys()];
  }

  setProject(project: ProjectRecord): void {
    this.#projects.set(project.name, project);
  }

  dropProject(name: string): void {
    this.#projects.delete(name);
    this.#rules.delete(name);
    // Memberships and robots of the project, and system robots' grants to it, went with it (cascade).
    this.#roles.clear();
    for (const [key, robot] of this.#robots) {
      if (robot === MISSING) continue;
      const gone =
        'grants' in robot
          ? robot.grants.some((grant) => grant.project === name)
          : robot.project === name;
      if (gone) this.#robots.delete(key);
    }
  }

  tagRules(project: string): readonly CompiledTagRule[] {
    return this.#rules.get(project) ?? [];
  }

  setRules(project: string, rules: readonly TagRuleRecord[]): void {
    this.#rules.set(
      project,
      rules.map((rule) => ({
        id: rule.id,
        pattern: rule.pattern,
        regex: tagPatternToRegExp(rule.pattern),
      })),
    );
  }

  peekUser(name: string): UserRecord | typeof MISSING | undefined {
    return this.#users.get(name);
  }

  async user(name: string): Promise<UserRecord | undefined> {
    const cached = this.#users.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const record = await this.#store.getUser(name);
    remember(this.#users, name, record ?? MISSING);
    return record;
  }

  forgetUser(name: string): void {
    this.#users.delete(name);
    this.#roles.delete(name);
  }

  peekRobot(name: string): RobotAccount | typeof MISSING | undefined {
    return this.#robots.get(name);
  }

  /** A project robot (`robot$<project>+<name>`) or a system robot (`robot$<name>`). */
  async robot(name: string): Promise<RobotAccount | undefined> {
    const cached = this.#robots.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const record = parseRobotAccountName(name)
      ? await this.#store.getRobot(name)
      : await this.#store.getSystemRobot(name);
    remember(this.#robots, name, record ?? MISSING);
    return record;
  }

  forgetRobot(name: string): void {
    this.#robots.delete(name);
  }

  async role(user: string, project: string): Promise<ProjectRole | undefined> {
    let roles = this.#roles.get(user);
    if (roles === undefined) {
      const memberships = await this.#store.listMemberships(user);
      roles = new Map(memberships.map((member) => [member.project, member.role]));
      remember(this.#roles, user, roles);
    }
    return roles.get(project);
  }

  forgetRoles(user: string): void {
    this.#roles.delete(user);
  }
}
