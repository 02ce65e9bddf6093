import type { SqliteDatabase } from '../sqlite.js';
import {
  ALL_PROJECTS,
  type CreateResult,
  type IdentityStore,
  type SystemRobotRecord,
} from './identity-store.js';
import { toSystemRobot, type SystemRobotGrantRow, type SystemRobotRow } from './rows.js';

type SystemRobotMethods = Pick<
  IdentityStore,
  'createSystemRobot' | 'getSystemRobot' | 'listSystemRobots' | 'revokeSystemRobot'
>;
/** The system-robot methods of the SQLite store, synchronous (the caller wraps them). */
export type SyncSystemRobotMethods = {
  [K in keyof SystemRobotMethods]: (
    ...args: Parameters<SystemRobotMethods[K]>
  ) => Awaited<ReturnType<SystemRobotMethods[K]>>;
};

const ROBOT_COLUMNS =
  'id, name, description, all_projects, secret_hash, created_at, created_by, expires_at, revoked_at';

// Thrown inside the transaction to roll it back; answered as a result, never escapes.
class UnknownProject extends Error {}

/** System robots (`robot$<name>`) and their per-project grants in SQLite. */
export function sqliteSystemRobots(
  db: SqliteDatabase,
  isUniqueViolation: (error: unknown) => boolean,
): SyncSystemRobotMethods {
  const q = {
    insert: db.prepare(
      `INSERT INTO system_robots (name, description, all_projects, secret_hash, created_at, created_by, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertGrant: db.prepare(
      `INSERT INTO system_robot_grants (robot_id, project_id, actions)
       SELECT ?, p.id, ? FROM projects p WHERE p.name = ?`,
    ),
    robot: db.prepare<[string], SystemRobotRow>(
      `SELECT ${ROBOT_COLUMNS} FROM system_robots WHERE name = ?`,
    ),
    robots: db.prepare<[], SystemRobotRow>(
      `SELECT ${ROBOT_COLUMNS} FROM system_robots ORDER BY name`,
    ),
    grants: db.prepare<[number], SystemRobotGrantRow>(
      `SELECT p.name AS project, g.actions FROM system_robot_grants g
       JOIN projects p ON p.id = g.project_id WHERE g.robot_id = ? ORDER BY p.name`,
    ),
    revoke: db.prepare<[number, string]>(
      'UPDATE system_robots SET revoked_at = coalesce(revoked_at, ?) WHERE name = ?',
    ),
  };

  function read(name: string): SystemRobotRecord | undefined {
    const row = q.robot.get(name);
    return row && toSystemRobot(row, q.grants.all(row.id));
  }

  const createTx = db.transaction((robot: Parameters<IdentityStore['createSystemRobot']>[0]) => {
    const all = robot.grants.find((grant) => grant.project === ALL_PROJECTS);
    const info = q.insert.run(
      robot.name,
      robot.description,
      all ? all.actions.join(',') : null,
      robot.secretHash,
      robot.createdAt,
      robot.createdBy,
      robot.expiresAt ?? null,
    );
    const id = Number(info.lastInsertRowid);
    for (const grant of robot.grants) {
      if (grant.project === ALL_PROJECTS) continue;
      if (q.insertGrant.run(id, grant.actions.join(','), grant.project).changes === 0)
        throw new UnknownProject(grant.project);
    }
  });

  return {
    createSystemRobot: (robot): CreateResult<SystemRobotRecord> => {
      try {
        createTx.immediate(robot);
      } catch (error) {
        if (error instanceof UnknownProject) return { ok: false, reason: 'project-unknown' };
        if (isUniqueViolation(error)) return { ok: false, reason: 'exists' };
        throw error;
      }
      const record = read(robot.name);
      if (!record) throw new Error('a system robot vanished right after its insert');
      return { ok: true, record };
    },
    getSystemRobot: (name) => read(name),
    listSystemRobots: () => q.robots.all().map((row) => toSystemRobot(row, q.grants.all(row.id))),
    revokeSystemRobot: (name, at) => {
      if (q.revoke.run(at, name).changes === 0) return undefined;
      return read(name);
    },
  };
}
