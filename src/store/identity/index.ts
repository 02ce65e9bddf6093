export {
  ALL_PROJECTS,
  PROJECT_ROLES,
  ROBOT_ACTIONS,
  type CreateResult,
  type IdentityStore,
  type MemberRecord,
  type NewRobot,
  type NewTagRule,
  type NewUser,
  type ProjectRecord,
  type ProjectRole,
  type RemoveUserResult,
  type RobotAction,
  type RobotGrant,
  type RobotRecord,
  type NewSystemRobot,
  type SystemRobotRecord,
  type SetMemberResult,
  type TagRuleRecord,
  type UserRecord,
} from './identity-store.js';
export { IdentityStoreError, type IdentityStoreErrorCode } from './errors.js';
export { openSqliteIdentityStore, type SqliteIdentityStore } from './sqlite-identity-store.js';
