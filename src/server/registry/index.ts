export {
  createRegistry,
  registryPaths,
  openRegistryStores,
  DEFAULT_LIMITS,
  type Registry,
  type RegistryOptions,
} from './registry-service.js';
export {
  allowAllAccess,
  type RegistryAccess,
  type AccessRequest,
  type ScopeRequest,
  type AccessDecision,
  type RegistryAction,
} from './access.js';
export { RegistryEvents, originOf, type RegistryEvent, type RequestOrigin } from './events.js';
export type { PullGate, PullDenial } from './pull-gate.js';
export { RegistryError, type RegistryErrorCode } from './errors.js';
export type { RegistryLimits } from './context.js';
export { collectGarbage, type GcOptions, type GcReport } from './gc.js';
