export {
  createIdentity,
  type Identity,
  type IdentityOptions,
  type IdentitySettings,
} from './create-identity.js';
export { IdentityService, type TokenRequest, type TokenResponse } from './identity-service.js';
export { IdentityEvents, type IdentityEvent, type IdentityAction } from './events.js';
export { IdentityError, type IdentityErrorCode } from './errors.js';
export { sendIdentityError } from './http-errors.js';
export type { Caller } from './admin-context.js';
export type { Principal } from './principal.js';
export { isSystemAdmin } from './principal.js';
export { ROLE_PERMISSIONS, PROJECT_PERMISSIONS, type ProjectPermission } from './roles.js';
export {
  listUsers,
  getUser,
  createUser,
  setPassword,
  setUserAdmin,
  deleteUser,
  type NewUserInput,
} from './user-admin.js';
export {
  listProjects,
  getProject,
  createProject,
  setAnonymousPull,
  deleteProject,
  listMembers,
  setMember,
  removeMember,
} from './project-admin.js';
export {
  listRobots,
  createRobot,
  revokeRobot,
  listTagRules,
  addTagRule,
  removeTagRule,
  type NewRobotInput,
} from './robot-admin.js';
export {
  listSystemRobots,
  createSystemRobot,
  revokeSystemRobot,
  type NewSystemRobotInput,
} from './system-robot-admin.js';
export type {
  UserView,
  ProjectView,
  MemberView,
  RobotView,
  SystemRobotView,
  TagRuleView,
} from './views.js';
