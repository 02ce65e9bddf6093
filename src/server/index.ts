export { startServer, type RunningServer } from './server.js';
export {
  loadServerConfig,
  serverConfigSchema,
  envName,
  type ServerConfig,
  type ConfigFlags,
} from './config.js';
export { parseListenAddress, isLoopback } from './listen-address.js';
export { collectGarbage, type GcReport, type GcOptions } from './registry/index.js';
export { auditLogPath } from './audit/index.js';
