export { ScanningService, type ScanningStatus } from './scanning-service.js';
export { scanningConfigSchema, type ScanningConfig } from './config.js';
export { registerScanRoutes, type ScanRoutesDeps } from './scan-routes.js';
export { registerApiRoutes, sendApiError } from './api-plugin.js';
export {
  registryApiAccess,
  identityApiAccess,
  type ApiAccess,
  type ApiNeed,
  type ApiCaller,
} from './api-access.js';
export { ScanningError, type ScanningErrorCode } from './errors.js';
export { ScanPullGate, type Verdict } from './pull-gate.js';
export type { ScanCompleted, RescanReport } from './scanner.js';
export { projectOf, type ScanPolicy } from './policy.js';
