import { openSqlite } from '../sqlite.js';
import { IdentityStoreError } from './errors.js';
import type {
  CreateResult,
  IdentityStore,
  ProjectRecord,
  RobotRecord,
  TagRuleRecord,
  UserRecord,
} from './identity-store.js';
import {
  toMember,
  toProject,
  toRobot,
  toTagRule,
  toUser,
  type MemberRow,
  type ProjectRow,
  type RobotRow,
  type TagRuleRow,
  type UserRow,
} from './rows.js';
import { asyncApi, type SyncApi } from '../async-api.js';
import { migrate } from './schema.js';
import { sqliteSystemRobots } from './sqlite-system-robots.js';

type AsyncMethods = Omit<IdentityStore, 'close'>;

/** A failure inside a method becomes a typed `IdentityStoreError` naming the method. */
function storeError(error: unknown, method: string): Error {
  if (error instanceof IdentityStoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new IdentityStoreError(
    'DATABASE_ERROR',
    `identity database: ${method} failed: ${message}`,
    {
      cause: error,
    },
  );
}

function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

const USER_COLUMNS = 'name, password_hash, admin, credential_version, created_at, updated_at';
const MEMBER_SELECT =
  'SELECT p.name AS project, u.name AS user, m.role, m.created_at FROM members m JOIN projects p ON p.id = m.project_id JOIN users u ON u.id = m.user_id';
const ROBOT_SELECT =
  'SELECT r.name, p.name AS project, r.description, r.actions, r.secret_hash, r.created_at, r.created_by, r.expires_at, r.revoked_at FROM robots r JOIN projects p ON p.id = r.project_id';
const RULE_SELECT =
  'SELECT t.id, p.name AS project, t.pattern, t.created_at, t.created_by FROM tag_rules t JOIN projects p ON p.id = t.project_id';

export type SqliteIdentityStore = IdentityStore;

/** The identity store in one SQLite file (WAL, synchronous=FULL, foreign keys enforced). */
export function openSqliteIdentityStore(path: string): SqliteIdentityStore {
  const db = openSqlite(path);
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  const q = {
    insertUser: db.prepare(
      'INSERT INTO users (name, password_hash, admin, credential_version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)',
    ),
    user: db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE name = ?`),
    users: db.prepare<[], UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY name`),
    setPassword: db.prepare<[string, number, string]>(
      'UPDATE users SET password_hash = ?, credential_version = credential_version + 1, updated_at = ? WHERE name = ?',
    ),
    setAdmin: db.prepare<[number, number, string]>(
      'UPDATE users SET admin = ?, updated_at = ? WHERE name = ?',
    ),
    admins: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users WHERE admin = 1'),
    deleteUser: db.prepare<[string]>('DELETE FROM users WHERE name = ?'),
    insertProject: db.prepare(
      'INSERT INTO projects (name, anonymous_pull, created_at, created_by) VALUES (?, ?, ?, ?)',
    ),
    project: db.prepare<[string], ProjectRow>(
      'SELECT name, anonymous_pull, created_at, created_by FROM projects WHERE name = ?',
    ),
    projects: db.prepare<[], ProjectRow>(
      'SELECT name, anonymous_pull, created_at, created_by FROM projects ORDER BY name',
    ),
    setAnonymous: db.prepare<[number, string]>(
      'UPDATE projects SET anonymous_pull = ? WHERE name = ?',
    ),
    deleteProject: db.prepare<[string]>('DELETE FROM projects WHERE name = ?'),
    upsertMember: db.prepare(
      `INSERT INTO members (project_id, user_id, role, created_at)
       SELECT p.id, u.id, ?, ? FROM projects p, users u WHERE p.name = ? AND u.name = ?
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role`,
    ),
    member: db.prepare<[string, string], MemberRow>(
      `${MEMBER_SELECT} WHERE p.name = ? AND u.name = ?`,
    ),
    members: db.prepare<[string], MemberRow>(`${MEMBER_SELECT} WHERE p.name = ? ORDER BY u.name`),
    memberships: db.prepare<[string], MemberRow>(
      `${MEMBER_SELECT} WHERE u.name = ? ORDER BY p.name`,
    ),
    deleteMember: db.prepare<[string, string]>(
      'DELETE FROM members WHERE project_id = (SELECT id FROM projects WHERE name = ?) AND user_id = (SELECT id FROM users WHERE name = ?)',
    ),
    insertRobot: db.prepare(
      `INSERT INTO robots (name, project_id, description, actions, secret_hash, created_at, created_by, expires_at)
       SELECT ?, p.id, ?, ?, ?, ?, ?, ? FROM projects p WHERE p.name = ?`,
    ),
    robot: db.prepare<[string], RobotRow>(`${ROBOT_SELECT} WHERE r.name = ?`),
    robots: db.prepare<[string], RobotRow>(`${ROBOT_SELECT} WHERE p.name = ? ORDER BY r.name`),
    revokeRobot: db.prepare<[number, string]>(
      'UPDATE robots SET revoked_at = coalesce(revoked_at, ?) WHERE name = ?',
    ),
    insertRule: db.prepare(
      'INSERT INTO tag_rules (project_id, pattern, created_at, created_by) SELECT p.id, ?, ?, ? FROM projects p WHERE p.name = ?',
    ),
    rule: db.prepare<[number], TagRuleRow>(`${RULE_SELECT} WHERE t.id = ?`),
    rules: db.prepare<[string], TagRuleRow>(`${RULE_SELECT} WHERE p.name = ? ORDER BY t.id`),
    deleteRule: db.prepare<[number, string]>(
      'DELETE FROM tag_rules WHERE id = ? AND project_id = (SELECT id FROM projects WHERE name = ?)',
    ),
  };

  // "Never remove the last admin" is checked in the same write transaction as the change.
  const setAdminTx = db.transaction(
    (name: string, admin: boolean, at: number): UserRecord | 'not-found' | 'last-admin' => {
      const row = q.user.get(name);
      if (!row) return 'not-found';
      if (!admin && row.admin === 1 && (q.admins.get()?.n ?? 0) <= 1) return 'last-admin';
      q.setAdmin.run(admin ? 1 : 0, at, name);
      const updated = q.user.get(name);
      return updated ? toUser(updated) : 'not-found';
    },
  );
  const removeUserTx = db.transaction((name: string) => {
    const row = q.user.get(name);
    if (!row) return 'not-found' as const;
    if (row.admin === 1 && (q.admins.get()?.n ?? 0) <= 1) return 'last-admin' as const;
    q.deleteUser.run(name);
    return 'removed' as const;
  });

  function create<T>(
    insert: () => { changes: number },
    read: () => T | undefined,
  ): CreateResult<T> {
    try {
      const info = insert();
      if (info.changes === 0) return { ok: false, reason: 'project-unknown' };
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, reason: 'exists' };
      throw error;
    }
    const record = read();
    if (record === undefined)
      throw new IdentityStoreError(
        'DATABASE_ERROR',
        'identity database: a record vanished right after its insert',
      );
    return { ok: true, record };
  }

  const api: SyncApi<AsyncMethods> = {
    createUser: (user) =>
      create(
        () =>
          q.insertUser.run(
            user.name,
            user.passwordHash,
            user.admin ? 1 : 0,
            user.createdAt,
            user.createdAt,
          ),
        () => {
          const row = q.user.get(user.name);
          return row && toUser(row);
        },
      ),
    getUser: (name) => {
      const row = q.user.get(name);
      return row && toUser(row);
    },
    listUsers: () => q.users.all().map(toUser),
    setPassword: (name, hash, at) => {
      if (q.setPassword.run(hash, at, name).changes === 0) return undefined;
      const row = q.user.get(name);
      return row && toUser(row);
    },
    setAdmin: (name, admin, at) => setAdminTx.immediate(name, admin, at),
    removeUser: (name) => removeUserTx.immediate(name),

    createProject: (project) =>
      create<ProjectRecord>(
        () =>
          q.insertProject.run(
            project.name,
            project.anonymousPull ? 1 : 0,
            project.createdAt,
            project.createdBy,
          ),
        () => {
          const row = q.project.get(project.name);
          return row && toProject(row);
        },
      ),
    getProject: (name) => {
      const row = q.project.get(name);
      return row && toProject(row);
    },
    listProjects: () => q.projects.all().map(toProject),
    setAnonymousPull: (name, anonymousPull) => {
      if (q.setAnonymous.run(anonymousPull ? 1 : 0, name).changes === 0) return undefined;
      const row = q.project.get(name);
      return row && toProject(row);
    },
    removeProject: (name) => q.deleteProject.run(name).changes > 0,

    setMember: (project, user, role, at) => {
      if (!q.project.get(project)) return { ok: false, reason: 'project-unknown' };
      if (!q.user.get(user)) return { ok: false, reason: 'user-unknown' };
      q.upsertMember.run(role, at, project, user);
      const row = q.member.get(project, user);
      if (!row) return { ok: false, reason: 'user-unknown' };
      return { ok: true, record: toMember(row) };
    },
    getMember: (project, user) => {
      const row = q.member.get(project, user);
      return row && toMember(row);
    },
    listMembers: (project) => q.members.all(project).map(toMember),
    listMemberships: (user) => q.memberships.all(user).map(toMember),
    removeMember: (project, user) => q.deleteMember.run(project, user).changes > 0,

    createRobot: (robot) =>
      create<RobotRecord>(
        () =>
          q.insertRobot.run(
            robot.name,
            robot.description,
            robot.actions.join(','),
            robot.secretHash,
            robot.createdAt,
            robot.createdBy,
            robot.expiresAt ?? null,
            robot.project,
          ),
        () => {
          const row = q.robot.get(robot.name);
          return row && toRobot(row);
        },
      ),
    getRobot: (name) => {
      const row = q.robot.get(name);
      return row && toRobot(row);
    },
    listRobots: (project) => q.robots.all(project).map(toRobot),
    revokeRobot: (name, at) => {
      if (q.revokeRobot.run(at, name).changes === 0) return undefined;
      const row = q.robot.get(name);
      return row && toRobot(row);
    },

    addTagRule: (rule) => {
      let id = 0;
      return create<TagRuleRecord>(
        () => {
          const info = q.insertRule.run(rule.pattern, rule.createdAt, rule.createdBy, rule.project);
          id = Number(info.lastInsertRowid);
          return info;
        },
        () => {
          const row = q.rule.get(id);
          return row && toTagRule(row);
        },
      );
    },
    listTagRules: (project) => q.rules.all(project).map(toTagRule),
    removeTagRule: (project, id) => q.deleteRule.run(id, project).changes > 0,

    ...sqliteSystemRobots(db, isUniqueViolation),
  };

  return {
    ...asyncApi<AsyncMethods>(api, storeError),
    close: () => {
      db.close();
    },
  };
}
